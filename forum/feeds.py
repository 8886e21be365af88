"""Atom feeds of newly registered experiments, overall and per topic."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from evidence.models import Topic

from . import selectors

FEED_SIZE = 30


class LatestExperimentsFeed(Feed):
    feed_type = Atom1Feed
    title = "IUseEvidence: new practice experiments"
    subtitle = "Practice experiments registered by practitioners, newest first."

    def link(self):
        return reverse("forum:experiment_list")

    def items(self):
        return selectors.experiments_for_feed()[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # Atom summaries are HTML: escape the text so nobody's markup reaches a reader.
        return escape(item.hypothesis_sentence)

    def item_pubdate(self, item):
        return item.registered_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.author.public_name


class TopicExperimentsFeed(LatestExperimentsFeed):
    def get_object(self, request, topic_slug):
        return get_object_or_404(Topic, slug=topic_slug)

    def title(self, topic):
        return f"IUseEvidence: new practice experiments about {topic.name}"

    def link(self, topic):
        return reverse("forum:topic", kwargs={"topic_slug": topic.slug})

    def items(self, topic):
        return selectors.experiments_for_feed(topic=topic)[:FEED_SIZE]
