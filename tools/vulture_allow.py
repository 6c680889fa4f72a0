"""Names vulture cannot see used: Django and django-ninja reach them by a dotted path in settings or by
convention. tools/deadcode.py scans this file with the code, so each name here counts as used.

Keep it short: a name belongs here only if a framework calls it by a string or by a naming rule.
"""

# settings.py: AUTHENTICATION_BACKENDS, MIDDLEWARE, the admin's default_site (strings, not imports).
RoleBackend
JaringAdminSite
RequestIdMiddleware
LoginRequiredMiddleware
# django-ninja reads a pagination class's nested ``Input`` schema by that name.
Input
# `jaring rounds ACTION` dispatches to ``self._<action>`` (getattr).
_list
_create
_attach
