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


@pytest.fixture
def failing_client(client):
    client.raise_request_exception = False
    return client


@pytest.mark.urls("tests.core.error_urls")
def test_database_out_of_reach_gives_503_with_retry_after(failing_client):
    response = failing_client.get("/fail/database/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert "could not reach our database" in html
    assert "Back button" in html


@pytest.mark.urls("tests.core.error_urls")
def test_other_failures_stay_500(failing_client):
    response = failing_client.get("/fail/ours/")
    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "something went wrong on our side" in response.content.decode()
