"""`jaring odk pull`: ODK Central's OData feed replayed from recorded responses (no network)."""

from __future__ import annotations

import base64
import json
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jaring.collection.lib import odk
from jaring.collection.lib.odk import CentralClient, Response, flatten
from jaring.imports.models import Batch, BatchStatus
from jaring.registry.models import Person
from tests.data.odk.make_odk_files import HERE, LATER

BASE = "https://central.example.org"
FEED = f"{BASE}/v1/projects/7/forms/pekerja_rentan_2025.svc/Submissions"


class Recorded:
    """Answers like ODK Central from the recorded pages; remembers every request."""

    def __init__(self, *, next_links: bool = True, token: str = "tok-123") -> None:  # noqa: S107 - a fake token
        self.pages = [json.loads((HERE / f"odata-submissions-{n}.json").read_text()) for n in (1, 2, 3)]
        if not next_links:
            for page in self.pages:
                page.pop("@odata.nextLink", None)
        self.token = token
        self.requests: list[tuple[str, str, dict[str, str], bytes | None]] = []

    def __call__(self, method: str, url: str, headers: dict[str, str], body: bytes | None) -> Response:
        self.requests.append((method, url, headers, body))
        if method == "POST" and url == f"{BASE}/v1/sessions":
            creds = json.loads(body or b"{}")
            if creds == {"email": "enum@example.org", "password": "rahasia"}:
                return Response(200, json.dumps({"token": self.token, "expiresAt": "2025-07-11"}).encode())
            return Response(401, b'{"code": 401.2, "message": "Could not authenticate"}')
        auth = headers.get("Authorization", "")
        good = {f"Bearer {self.token}", "Basic " + base64.b64encode(b"enum@example.org:rahasia").decode()}
        if auth not in good:
            return Response(401, b'{"code": 401.2}')
        parts = urllib.parse.urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}{parts.path}" != FEED:
            return Response(404, b'{"code": 404.1}')
        query = dict(urllib.parse.parse_qsl(parts.query))
        skip, top = int(query.get("$skip", 0)), int(query.get("$top", 3))
        assert top == 3, "the test pages were recorded with $top=3"
        return Response(200, json.dumps(self.pages[skip // 3]).encode())


@pytest.fixture
def var_dir(tmp_path: Path, settings: Any) -> Path:
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


def _client(transport: Recorded, **kw: Any) -> CentralClient:
    return CentralClient(url=BASE, project=7, form="pekerja_rentan_2025", transport=transport, **kw)


def test_flattening_gives_export_style_columns() -> None:
    frame = flatten(LATER[:1])
    assert frame.columns[:2] == ["KEY", "SubmissionDate"]
    assert {"identitas/nik", "wilayah/kode_desa", "lokasi", "meta/instanceID"} <= set(frame.columns)
    lon, lat, alt = LATER[0]["lokasi"]["coordinates"]
    assert frame["lokasi"][0] == f"{lat} {lon} {alt} 4.5"
    assert not any(c.startswith("__system") for c in frame.columns)


@pytest.mark.parametrize("next_links", [True, False], ids=["nextLink", "skip"])
def test_every_page_is_read(next_links: bool) -> None:
    transport = Recorded(next_links=next_links)
    pages = list(_client(transport, email="enum@example.org", password="rahasia").pages(page_size=3))
    assert [len(p) for p in pages] == [3, 3, 1]
    assert len(transport.requests) == 3


def test_a_session_token_is_fetched_once_and_used(world: Any) -> None:
    transport = Recorded()
    client = _client(transport, email="enum@example.org", password="rahasia", use_session=True)
    list(client.pages(page_size=3))
    assert [r[0] for r in transport.requests] == ["POST", "GET", "GET", "GET"]
    assert all(r[2]["Authorization"] == "Bearer tok-123" for r in transport.requests[1:])


def test_wrong_credentials_are_a_clear_error() -> None:
    transport = Recorded()
    with pytest.raises(odk.OdkError, match="refused"):
        list(_client(transport, email="enum@example.org", password="salah").pages(page_size=3))
    with pytest.raises(odk.OdkError, match="Login refused"):
        _client(transport, email="enum@example.org", password="salah", use_session=True).login()


def test_the_pull_command_imports_a_batch_and_a_second_pull_adds_nothing(
    world: Any, var_dir: Path, monkeypatch: Any, manyar_round: Any, capsys: Any
) -> None:
    transport = Recorded()
    monkeypatch.setattr(odk, "default_transport", lambda: transport)
    monkeypatch.setenv("ODK_CENTRAL_PASSWORD", "rahasia")
    before = Person.objects.count()
    args = ["pull", "--url", BASE + "/v1", "--project", "7", "--form", "pekerja_rentan_2025"]
    args += [
        "--email",
        "enum@example.org",
        "--page-size",
        "3",
        "--round",
        "manyar-2025",
        "--commit",
        "--json",
    ]
    call_command("odk", *args)
    summary = json.loads(capsys.readouterr().out)
    batch = Batch.objects.get(pk=summary["batch"])
    assert batch.status == BatchStatus.COMMITTED and batch.round == manyar_round
    assert batch.rows_committed == len(LATER)
    assert batch.village.code == "35.25"  # the round's regency: the form's kode_desa names the village
    assert Person.objects.count() == before + len(LATER)
    gumeno = Person.objects.get(submission_uuid=LATER[-1]["__id"].removeprefix("uuid:"))
    assert gumeno.village.code == "35.25.10.2004" and gumeno.latitude is not None
    call_command("odk", *args)
    assert json.loads(capsys.readouterr().out)["status"] == "nothing_new"
    assert Batch.objects.filter(round=manyar_round).count() == 3  # the fixture's two + this pull


def test_the_pull_command_reports_a_refusal(world: Any, var_dir: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(odk, "default_transport", lambda: Recorded())
    monkeypatch.delenv("ODK_CENTRAL_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="refused"):
        call_command("odk", "pull", "--url", BASE, "--project", "7", "--form", "x", "--village", "35.25")
