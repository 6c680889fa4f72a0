"""Administrative areas (Kemendagri codes) with optional boundaries."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaLevel(models.IntegerChoices):
    PROVINCE = 1, _("Province")
    REGENCY = 2, _("Regency/city")
    DISTRICT = 3, _("District")
    VILLAGE = 4, _("Village")


class AreaQuerySet(models.QuerySet["Area"]):
    def within(self, code: str) -> AreaQuerySet:
        """Areas inside ``code`` (the area itself included), by code prefix."""
        return self.filter(models.Q(code=code) | models.Q(code__startswith=code + "."))

    def villages(self) -> AreaQuerySet:
        return self.filter(level=AreaLevel.VILLAGE)


class Area(models.Model):
    """One province, regency/city, district or village, keyed by its Kemendagri code (``35.25.10.2010``)."""

    code = models.CharField(_("Kemendagri code"), max_length=13, unique=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=AreaLevel.choices, db_index=True)
    kind = models.CharField(
        _("kind"),
        max_length=20,
        blank=True,
        help_text=_("provinsi, kabupaten, kota, kecamatan, desa, kelurahan"),
    )
    name = models.CharField(_("name"), max_length=120)
    bps_code = models.CharField(_("BPS code"), max_length=10, blank=True, db_index=True)
    boundary = models.JSONField(_("boundary (GeoJSON geometry, WGS84)"), null=True, blank=True)
    boundary_source = models.CharField(_("boundary source"), max_length=200, blank=True)
    boundary_approximate = models.BooleanField(
        _("approximate boundary"),
        default=False,
        help_text=_("Generated, not surveyed: shown as approximate."),
    )
    centroid_lat = models.FloatField(_("centroid latitude"), null=True, blank=True)
    centroid_lon = models.FloatField(_("centroid longitude"), null=True, blank=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_village(self) -> bool:
        return self.level == AreaLevel.VILLAGE

    def ancestor_code(self, level: int) -> str:
        """The code of this area's ancestor at ``level`` (1–4), from the code itself."""
        parts = self.code.split(".")
        return ".".join(parts[:level])

    @property
    def regency_code(self) -> str:
        return self.ancestor_code(AreaLevel.REGENCY)

    def geojson_feature(self, properties: dict[str, Any] | None = None) -> dict[str, Any]:
        """This area as a GeoJSON Feature (geometry may be null)."""
        props = {
            "code": self.code,
            "name": self.name,
            "level": self.level,
            "bps_code": self.bps_code or None,
            "boundary_approximate": self.boundary_approximate,
        }
        props.update(properties or {})
        return {"type": "Feature", "id": self.code, "geometry": self.boundary, "properties": props}
