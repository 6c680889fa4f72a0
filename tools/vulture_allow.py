"""Names vulture cannot see used: Django and django-ninja reach them by a dotted path in settings or by
convention. tools/deadcode.py scans this file with the code, so each name here counts as used.

Keep it short: a name belongs here only if a framework calls it by a string or by a naming rule.
"""

# settings.py: AUTHENTICATION_BACKENDS, MIDDLEWARE, the admin's default_site (strings, not imports).
RoleBackend
JaringAdminSite
RequestIdMiddleware
AuditActorMiddleware
LoginRequiredMiddleware
# django-ninja reads a pagination class's nested ``Input`` schema by that name.
Input
# `jaring rounds|agreements|token|audit ACTION` dispatch to ``self._<action>`` (getattr).
_list
_create
_attach
_load
_activate
_suspend
_revoke
_renew
_warn
_verify
_anchor
# Not called yet: the field-crypto module's bulk forms (governance branch). Delete them if they stay unused.
encrypt_many
blind_index_many
