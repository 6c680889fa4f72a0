"""Locust scenario for `bench/load_run.py`: mixed reads (dashboard, person list and search, person detail,
NIK lookup, API list) and some writes (API PATCH of a phone number), loopback only.

Environment: JARING_LOAD_TOKEN (a steward's API token), JARING_LOAD_NIKS (comma-separated NIKs and ids
as nik:id), JARING_LOAD_PASSWORD (the demo password).
"""

from __future__ import annotations

import os
import random

from locust import HttpUser, between, task

TOKEN = os.environ.get("JARING_LOAD_TOKEN", "")
PEOPLE = [p.split(":") for p in os.environ.get("JARING_LOAD_NIKS", "").split(",") if ":" in p]
PASSWORD = os.environ.get("JARING_LOAD_PASSWORD", "")


class Steward(HttpUser):
    """A data steward using the pages and a script using the API at the same time."""

    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        page = self.client.get("/login/", name="/login/ (GET)")
        token = page.cookies.get("csrftoken") or self.client.cookies.get("csrftoken", "")
        self.client.post(
            "/login/",
            {"username": "diskominfo.steward", "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": self.host + "/login/"},
            name="/login/ (POST)",
        )

    @task(4)
    def dashboard(self) -> None:
        self.client.get("/", name="/ (dashboard)")

    @task(4)
    def person_list(self) -> None:
        self.client.get("/persons/", name="/persons/")

    @task(2)
    def person_search(self) -> None:
        self.client.get(f"/persons/?q={random.choice(['siti', 'budi', 'ahmad', 'sri'])}", name="/persons/?q=")

    @task(3)
    def person_detail(self) -> None:
        _nik, pk = random.choice(PEOPLE)
        self.client.get(f"/persons/{pk}/", name="/persons/{id}/")

    @task(3)
    def nik_lookup(self) -> None:
        nik, _pk = random.choice(PEOPLE)
        self.client.get(
            f"/api/v1/persons/by-nik/{nik}",
            headers={"Authorization": f"Bearer {TOKEN}"},
            name="/api/v1/persons/by-nik/{nik}",
        )

    @task(2)
    def api_list(self) -> None:
        self.client.get(
            "/api/v1/persons?limit=50", headers={"Authorization": f"Bearer {TOKEN}"}, name="/api/v1/persons"
        )

    @task(1)
    def api_patch(self) -> None:
        _nik, pk = random.choice(PEOPLE)
        auth = {"Authorization": f"Bearer {TOKEN}"}
        current = self.client.get(f"/api/v1/persons/{pk}", headers=auth, name="/api/v1/persons/{id} (GET)")
        if current.status_code != 200:
            return
        body = {"version": current.json()["version"], "phone": f"0812{random.randint(10000000, 99999999)}"}
        with self.client.patch(
            f"/api/v1/persons/{pk}",
            json=body,
            headers=auth,
            name="/api/v1/persons/{id} (PATCH)",
            catch_response=True,
        ) as response:
            if (
                response.status_code == 409
            ):  # another user changed it first: the optimistic lock, not an error
                response.success()
