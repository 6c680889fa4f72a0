"""Admin for areas: names, BPS codes and boundary metadata (shapes come in via `jaring geo boundaries`)."""

from django.contrib import admin

from jaring.geo.models import Area


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "kind", "bps_code", "boundary_approximate", "boundary_source"]
    list_filter = ["level", "boundary_approximate"]
    search_fields = ["code", "name", "bps_code"]
    ordering = ["code"]
    readonly_fields = ["code", "parent", "level", "boundary", "centroid_lat", "centroid_lon"]
    fields = [
        "code", "name", "kind", "parent", "level", "bps_code",
        "boundary_source", "boundary_approximate", "centroid_lat", "centroid_lon", "boundary",
    ]  # fmt: skip
    list_per_page = 100
    show_full_result_count = False
