"""The User-Key stays with the API's origin; downloads only from allowed, public hosts,
within a size limit. Against the sandbox and a second recording server on 127.0.0.1."""
import pytest
from crm_migration.sources.errors import (
    DownloadRefused,
    InvalidConfiguration,
    RedirectRefused,
    SourceError,
    SourceUnavailable,
)
from crm_migration.sources.ploomes.client import PloomesClient

KEY = "k3y-0f-the-test-account"  # the sandboxes' key (conftest)


def client_for(sb, **options):
    return PloomesClient(sb.base_url, sb.key, **{"rate_limit": 0, "backoff_factor": 0.01,
                                                 "retries": 2, **options})


def an_attachment(sb):
    return sb.dataset.get("Attachments", next(sb.dataset.ids("Attachments")), expand=False)


def assert_never_got_the_key(recorder):
    for _method, path, headers in recorder.requests:
        assert "user-key" not in headers and KEY not in path and KEY not in str(headers)


# -- construction ---------------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "http://api2.ploomes.com", "http://10.1.2.3:8099", "ftp://api2.ploomes.com", "api2.ploomes.com",
    "https://user:pass@api2.ploomes.com", "https://api2.ploomes.com?x=1",
    "https://api2.ploomes.com:99999", "", None,
])
def test_unusable_base_urls_are_refused(url):
    with pytest.raises(InvalidConfiguration) as caught:
        PloomesClient(url, KEY)
    assert isinstance(caught.value, SourceError) and isinstance(caught.value, ValueError)
    assert KEY not in str(caught.value) and "pass" not in str(caught.value)


def test_plain_http_is_refused_with_a_clear_reason():
    with pytest.raises(InvalidConfiguration, match="must use https.*api2.ploomes.com"):
        PloomesClient("http://api2.ploomes.com/", KEY)


@pytest.mark.parametrize("url", [
    "https://api2.ploomes.com/", "https://public-api2.ploomes.com", "http://127.0.0.1:8099",
    "http://127.200.0.9", "http://localhost:1", "http://[::1]:8099/",
])
def test_https_and_loopback_base_urls_are_accepted(url):
    assert PloomesClient(url, KEY).base_url == url.rstrip("/")


@pytest.mark.parametrize("key", [f"{KEY}\r\nX-Injected: 1", f"{KEY}\nX", f"a\t{KEY}", f"{KEY}\x00",
                                 f"{KEY}\x7f", f"{KEY}€", "   "])
def test_keys_with_control_characters_are_refused_without_echoing_them(key):
    with pytest.raises(InvalidConfiguration, match="User-Key") as caught:
        PloomesClient("https://api2.ploomes.com", key)
    assert KEY not in str(caught.value)


def test_the_key_is_stripped(make_sandbox):
    sb = make_sandbox()
    client = PloomesClient(sb.base_url, f"  {KEY}\n", rate_limit=0)
    assert client.user_key == KEY and client.check()["Id"]


def test_an_unsendable_key_never_reaches_an_error_message(make_sandbox):
    sb = make_sandbox()
    client = client_for(sb)
    client.user_key = f"{KEY}\r\nX-Injected: 1"  # bypassing the constructor's check
    with pytest.raises(InvalidConfiguration) as caught:
        client.get("Users")
    assert KEY not in str(caught.value) and caught.value.__cause__ is None
    assert caught.value.__suppress_context__
    assert sb.request_log() == []


def test_errors_echoing_the_key_are_masked(make_sandbox, recorder):
    sb = make_sandbox()
    client = client_for(sb, retries=0)
    sb.redirect(recorder.url(f"/{KEY}"))
    with pytest.raises(RedirectRefused) as caught:
        client.get("Users")
    assert KEY not in str(caught.value) and "<User-Key>" in str(caught.value)


# -- redirects ------------------------------------------------------------------------

def test_a_redirect_within_the_origin_is_followed_with_the_key(make_sandbox):
    sb = make_sandbox()
    client = client_for(sb)
    sb.redirect("/Users?$top=1", status=307)
    assert len(client.get("Contacts", {"$top": 5})["value"]) == 1
    first, second = sb.request_log()
    assert (first.status, second.status) == (307, 200) and first.keyed and second.keyed
    assert client.requests_sent == 2


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_to_another_origin_is_refused(make_sandbox, recorder, status):
    sb = make_sandbox()
    client = client_for(sb)
    sb.redirect(recorder.url("/Users?$top=1"), status=status)
    with pytest.raises(RedirectRefused, match=f"to {recorder.base_url}/Users.*never sent"):
        client.get("Users", {"$top": 1})
    assert recorder.requests == [] and len(sb.request_log()) == 1


def test_a_redirect_to_another_scheme_of_the_same_host_is_refused(make_sandbox, only_loopback):
    sb = make_sandbox()
    client = client_for(sb)
    sb.redirect(sb.base_url.replace("http://", "https://") + "/Users")
    with pytest.raises(RedirectRefused):
        client.get("Users")


# -- downloads ------------------------------------------------------------------------

def test_default_download_hosts_are_the_api_and_ploomes_blob_storage():
    client = PloomesClient("https://api2.ploomes.com", KEY)
    assert client.download_hosts == {"api2.ploomes.com", "stgploomescrmprd01.blob.core.windows.net"}


def test_a_file_of_the_api_origin_is_downloaded_with_the_key(make_sandbox):
    sb = make_sandbox()
    att = an_attachment(sb)
    data = client_for(sb).download(att["Url"])
    assert len(data) == att["ContentLength"] and sb.request_log()[0].keyed


def test_a_file_on_another_host_is_downloaded_without_the_key(make_sandbox, recorder):
    sb = make_sandbox()
    assert client_for(sb).download(recorder.url("/blob/file.pdf?sig=s3cr3t")) == recorder.body
    assert [path for _m, path, _h in recorder.requests] == ["/blob/file.pdf?sig=s3cr3t"]
    assert_never_got_the_key(recorder)


def test_a_download_redirected_to_another_host_drops_the_key(make_sandbox, recorder):
    sb = make_sandbox()
    sb.redirect(recorder.url("/blob/x.pdf"))
    assert client_for(sb).download(an_attachment(sb)["Url"]) == recorder.body
    assert sb.request_log()[0].keyed and len(recorder.requests) == 1
    assert_never_got_the_key(recorder)


def test_a_download_redirected_to_a_private_address_is_refused(make_sandbox, only_loopback):
    sb = make_sandbox()
    sb.redirect("http://169.254.169.254/latest/meta-data/")
    client = client_for(sb, download_hosts=("169.254.169.254",))
    with pytest.raises(DownloadRefused, match="169.254.169.254, which is link-local"):
        client.download(an_attachment(sb)["Url"])
    assert client.requests_sent == 1


@pytest.mark.parametrize("url, reason", [
    ("http://10.0.0.1/f.pdf", "10.0.0.1, which is private"),
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254, which is link-local"),
    ("http://[::ffff:10.0.0.1]/f.pdf", "10.0.0.1, which is private"),
    ("http://[fe80::1]/f.pdf", "fe80::1, which is link-local"),
    ("http://240.0.0.1/f.pdf", "240.0.0.1, which is reserved"),
    ("http://0.0.0.0/f.pdf", "0.0.0.0, which is unspecified"),
])
def test_private_and_link_local_addresses_are_refused_before_connecting(only_loopback, url, reason):
    hosts = ("10.0.0.1", "169.254.169.254", "::ffff:10.0.0.1", "fe80::1", "240.0.0.1", "0.0.0.0")
    client = PloomesClient("https://api2.ploomes.com", KEY, download_hosts=hosts)
    with pytest.raises(DownloadRefused, match=f"resolves to {reason}; files are only fetched"):
        client.download(url)
    assert client.requests_sent == 0


@pytest.mark.parametrize("url, reason", [
    ("http://10.0.0.1/f.pdf", "10.0.0.1 is not an allowed file host"),
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is not an allowed file host"),
    ("https://evil.example/f.pdf", "evil.example is not an allowed file host"),
    ("file:///etc/passwd", "only http"),
    ("ftp://api2.ploomes.com/f.pdf", "only http"),
    ("https://api2.ploomes.com:99999/f.pdf", "only http"),
    ("http://127.0.0.1:8099/f.pdf", "127.0.0.1 is not an allowed file host"),
])
def test_hosts_off_the_allow_list_are_refused_before_connecting(only_loopback, url, reason):
    client = PloomesClient("https://api2.ploomes.com", KEY)
    with pytest.raises(DownloadRefused, match=reason):
        client.download(url)
    assert client.requests_sent == 0


def test_loopback_is_refused_unless_the_api_itself_is_on_loopback(only_loopback):
    client = PloomesClient("https://api2.ploomes.com", KEY,
                           download_hosts=("127.0.0.1", "localhost"))
    for url in ("http://127.0.0.1:8099/f.pdf", "http://localhost:8099/f.pdf"):
        with pytest.raises(DownloadRefused, match="which is loopback"):
            client.download(url)


def test_a_file_announcing_more_than_the_limit_is_refused(make_sandbox):
    sb = make_sandbox()
    att = an_attachment(sb)
    client = client_for(sb, max_download_bytes=att["ContentLength"] - 1)
    with pytest.raises(DownloadRefused,
                       match=r"larger than the .* allowed per file \(it announces .*max_download_bytes"):
        client.download(att["Url"])
    assert client.requests_sent == 1


def test_a_file_streaming_past_the_limit_is_refused(make_sandbox, recorder):
    sb = make_sandbox()
    recorder.replies.append((200, {}, b"x" * 200_000))  # no Content-Length: read to the end
    client = client_for(sb, max_download_bytes=100_000)
    with pytest.raises(DownloadRefused,
                       match=r"larger than the 97.7 KB allowed per file \(more than 97.7 KB arrived"):
        client.download(recorder.url("/big.bin"))
    assert len(recorder.requests) == 1


def test_a_short_download_is_retried(make_sandbox, recorder):
    sb = make_sandbox()
    recorder.replies.append((200, {"Content-Length": str(len(recorder.body))}, recorder.body[:10]))
    recorder.replies.append((503, {"Content-Length": "0", "Retry-After": "0"}, b""))
    assert client_for(sb).download(recorder.url("/f.pdf")) == recorder.body
    assert len(recorder.requests) == 3


def test_a_failed_download_names_the_file_without_its_query(make_sandbox, recorder):
    sb = make_sandbox()
    recorder.replies.extend([(503, {"Content-Length": "0"}, b"")] * 3)
    with pytest.raises(SourceUnavailable,
                       match="127.0.0.1 answered HTTP 503 for .*/f.pdf: .*3 attempts") as caught:
        client_for(sb).download(recorder.url("/f.pdf?sig=s3cr3t"))
    assert "s3cr3t" not in str(caught.value)
