"""A long, realistic practice post with nothing identifying in it (about 5,000 characters)."""

LONG_CLEAN_POST = """\
What I learned from using Signs of Safety mapping with a family who had stopped trusting us

Context. This was a Child Protection Plan under the category of neglect. The family had been
known to children's services for years, and by the time the case came to me Mum and Dad both
said they had "had enough of social workers". The children were aged 6-11 and attended a
primary school close to home. The IRO had raised drift at the last review, and the core group
had become a meeting where professionals reported on the family rather than with them.

What we did. I asked the team manager for time to start again. In the first two weeks I
visited three times, each time for about an hour, and each time I asked the same question:
what would need to be different for you to feel that we were helping? Dad said he wanted one
worker who would not change. Mum said she wanted us to notice what was going well. We agreed
that every visit would start with the good things, and that I would write them down in the
parents' own words. Nan came to the second visit and told me the children were happier when
the house had a routine, which was the first time anyone had named routine as a strength.

We then did a Signs of Safety mapping session at the kitchen table. The worries column was
long, but the family wrote most of it themselves. The parents named the missed health
appointments, the school attendance and the state of the bedrooms. The what's working well
column surprised everyone: the children were always fed by the evening, Dad walked them to
school when he was not working nights, and the older child had a close friend whose family
were supportive. We scaled safety from 0 to 10. Mum said 4, Dad said 5, I said 3, and the
school said 4. We talked about what would move each of us up by one point.

The plan. We wrote a plan of no more than one page with pictures for the younger children.
It named who would do what, and when. The health visitor agreed to book appointments for the
late afternoon so that Dad could attend after sleeping. The school agreed to a text each
morning if a child had not arrived by 9.15. Nan agreed to come round on Tuesdays and
Thursdays to help with tea and homework. The family support worker helped the parents sort
the bedrooms over three sessions, and the children chose the colours for their walls.

What changed. Over the next 10 weeks attendance went from about 80% to over 95%. The
children were seen by the dentist for the first time in two years. The parents came to every
core group meeting, and by the third meeting Mum was chairing part of it. At the review
conference the scaling had moved to 7 for the parents and 6 for the professionals. The
conference agreed to step down to a Child in Need Plan, and six months later the case closed
with an Early Help offer that the family chose to take up.

What I would do differently. I would have asked the family about their network much earlier.
Nan had been there all along, and nobody had asked her what she could offer. I also learned
that the language we use in letters matters: when we changed "concerns" to "worries" and
wrote in shorter sentences, the parents started reading the letters instead of putting them
in a drawer. I would also push harder for joint visits with health, because the family told
me that one visit with two professionals was much easier than two visits with one each.

The evidence behind it. Signs of Safety has a mixed evidence base, and I do not think the
tool itself made the difference. What made the difference was consistency, time and a plan
that the family had written. The research on relationship-based practice supports that, and
so does my supervision record: every time I had space to reflect, I went back to the family
with a better question. I would be interested to hear from others who have used mapping with
families who have had many workers, and whether the scaling questions helped or got in the way.

For anyone trying this: keep the plan short, write it with the family, start every visit with
what is going well, and ask about the network in week one. And if the family tell you they
have had enough of social workers, believe them, and then show them something different.
"""
