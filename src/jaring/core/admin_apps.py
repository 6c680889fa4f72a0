"""Django's admin app with Jaring's site (open to data stewards); listed in INSTALLED_APPS."""

from django.contrib.admin.apps import AdminConfig


class JaringAdminConfig(AdminConfig):
    """Django's admin with :class:`jaring.core.admin_site.JaringAdminSite`."""

    default_site = "jaring.core.admin_site.JaringAdminSite"
