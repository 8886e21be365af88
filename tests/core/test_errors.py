import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url", ["/no-such-page/", "/evidence/no-such-evidence/", "/people/x/y/"]
)
def test_unknown_urls_get_a_friendly_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    html = response.content.decode()
    assert "We can't find that page" in html
    assert 'href="/evidence/"' in html


def test_footer_says_this_is_not_a_referral_route(client):
    html = client.get("/").content.decode()
    assert "This site is not a referral route" in html
    assert "999" in html
