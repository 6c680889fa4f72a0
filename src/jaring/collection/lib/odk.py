"""Pulling submissions from ODK Central's OData feed and flattening them into an import frame.

``GET /v1/projects/{id}/forms/{xmlFormId}.svc/Submissions`` answers pages of JSON: groups as nested
objects, ``__id`` (the instance ID), ``__system`` (submission date, submitter…), geopoints as GeoJSON
``{"type": "Point", "coordinates": [lon, lat, alt], "properties": {"accuracy": …}}``. The flattened frame
has the column names of a Kobo-style export (``group/field``, ``KEY``, ``SubmissionDate``, a geopoint as
"lat lon alt accuracy"), so the file import's header mapping reads it unchanged.

The network goes through a small :class:`Transport`, so tests replay recorded responses and nothing here
needs the internet.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

import polars as pl

PAGE_SIZE = 500
MAX_PAGES = 10_000  # 5 million submissions: far beyond a regency; guards against a nextLink loop


class OdkError(Exception):
    """ODK Central refused or could not be reached (message in English / Indonesian)."""


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


class Transport(Protocol):
    """Sends one HTTP request; :class:`UrllibTransport` in real use, a recording in tests."""

    def __call__(self, method: str, url: str, headers: dict[str, str], body: bytes | None) -> Response: ...


class UrllibTransport:
    """HTTP with the standard library (no extra dependency), 60 s timeout."""

    def __call__(self, method: str, url: str, headers: dict[str, str], body: bytes | None) -> Response:
        if not url.startswith(("https://", "http://")):
            raise OdkError(f"Not an http(s) URL: {url} / bukan URL http(s)")
        request = urllib.request.Request(url, data=body, method=method, headers=headers)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=60) as resp:  # noqa: S310 - scheme checked above
                return Response(resp.status, resp.read(), dict(resp.headers))
        except urllib.error.HTTPError as exc:
            return Response(exc.code, exc.read(), dict(exc.headers or {}))
        except (urllib.error.URLError, OSError) as exc:
            raise OdkError(f"ODK Central unreachable: {exc} / ODK Central tidak dapat dihubungi") from exc


def default_transport() -> Transport:
    """The transport a new client gets (tests replace this function with a recording)."""
    return UrllibTransport()


@dataclass
class CentralClient:
    """One form of one ODK Central project, with basic auth or a session token."""

    url: str
    project: int
    form: str
    email: str = ""
    password: str = ""
    token: str = ""
    use_session: bool = False
    transport: Transport = field(default_factory=lambda: default_transport())

    def __post_init__(self) -> None:
        self.url = self.url.rstrip("/")
        if self.url.endswith("/v1"):
            self.url = self.url[:-3]

    def _auth(self) -> dict[str, str]:
        if not self.token and self.use_session:
            self.token = self.login()
        if self.token:
            return {"Authorization": f"Bearer {self.token}"}
        if self.email:
            pair = base64.b64encode(f"{self.email}:{self.password}".encode()).decode()
            return {"Authorization": f"Basic {pair}"}
        return {}

    def login(self) -> str:
        """``POST /v1/sessions`` with e-mail and password; returns the session token."""
        body = json.dumps({"email": self.email, "password": self.password}).encode()
        resp = self.transport("POST", f"{self.url}/v1/sessions", {"Content-Type": "application/json"}, body)
        if resp.status != 200:
            raise OdkError(f"Login refused (HTTP {resp.status}) / login ditolak")
        return str(resp.json()["token"])

    def submissions_url(self, top: int, skip: int) -> str:
        form = urllib.parse.quote(self.form, safe="")
        query = urllib.parse.urlencode({"$top": top, "$skip": skip, "$count": "true"})
        return f"{self.url}/v1/projects/{self.project}/forms/{form}.svc/Submissions?{query}"

    def pages(self, page_size: int = PAGE_SIZE) -> Iterator[list[dict[str, Any]]]:
        """The submissions page by page, following ``@odata.nextLink`` (or ``$skip`` when there is none)."""
        headers = {"Accept": "application/json", **self._auth()}
        url: str | None = self.submissions_url(page_size, 0)
        skip = 0
        for _ in range(MAX_PAGES):
            if url is None:
                return
            resp = self.transport("GET", url, headers, None)
            if resp.status in (401, 403):
                raise OdkError(f"ODK Central refused access (HTTP {resp.status}) / akses ditolak")
            if resp.status == 404:
                raise OdkError("No such project or form on ODK Central / proyek atau formulir tidak ada")
            if resp.status != 200:
                raise OdkError(
                    f"ODK Central answered HTTP {resp.status} / ODK Central menjawab {resp.status}"
                )
            page = resp.json()
            values = page.get("value", [])
            yield values
            skip += len(values)
            next_link = page.get("@odata.nextLink")
            if next_link:
                url = urllib.parse.urljoin(url, next_link)
            elif len(values) >= page_size and skip < int(page.get("@odata.count", skip + 1)):
                url = self.submissions_url(page_size, skip)
            else:
                url = None
        raise OdkError("Too many pages / terlalu banyak halaman")


def flatten(submissions: list[dict[str, Any]]) -> pl.DataFrame:
    """Submissions (OData JSON) as a frame of strings with export-style column names (see module doc)."""
    if not submissions:
        return pl.DataFrame()
    # Repeats (lists of objects) are their own OData tables: not part of a person's row.
    rows = [{k: v for k, v in s.items() if not isinstance(v, list)} for s in submissions]
    frame = pl.json_normalize(rows, separator="/", infer_schema_length=None)
    renames = {"__id": "KEY", "__system/submissionDate": "SubmissionDate"}
    frame = frame.rename({k: v for k, v in renames.items() if k in frame.columns})
    frame = frame.drop([c for c in frame.columns if c.startswith("__system/")])
    points = [c[: -len("/coordinates")] for c in frame.columns if c.endswith("/coordinates")]
    for point in points:
        coords = pl.col(f"{point}/coordinates")
        accuracy = f"{point}/properties/accuracy"
        acc = pl.col(accuracy).cast(pl.String) if accuracy in frame.columns else pl.lit(None, dtype=pl.String)
        frame = frame.with_columns(
            pl.concat_str(
                [
                    coords.list.get(1, null_on_oob=True).cast(pl.String),
                    coords.list.get(0, null_on_oob=True).cast(pl.String),
                    coords.list.get(2, null_on_oob=True).cast(pl.String).fill_null("0"),
                    acc.fill_null("0"),
                ],
                separator=" ",
            ).alias(point)
        ).drop([c for c in frame.columns if c.startswith(f"{point}/")])
    # Any other list (multiple-choice answers come as text, but be safe) becomes space-separated text.
    frame = frame.with_columns(
        pl.col(c).cast(pl.List(pl.String)).list.join(" ")
        for c, t in frame.schema.items()
        if isinstance(t, pl.List)
    )
    frame = frame.with_columns(pl.all().cast(pl.String))
    first = [c for c in ("KEY", "SubmissionDate") if c in frame.columns]
    return frame.select([*first, *[c for c in frame.columns if c not in first]])


def pull_frame(client: CentralClient, page_size: int = PAGE_SIZE, progress: Any = None) -> pl.DataFrame:
    """Every submission of the form as one flattened frame."""
    frames = []
    done = 0
    for values in client.pages(page_size):
        if values:
            frames.append(flatten(values))
            done += len(values)
            if progress is not None:
                progress(done)
    if not frames:
        return pl.DataFrame()
    return pl.concat(frames, how="diagonal_relaxed")
