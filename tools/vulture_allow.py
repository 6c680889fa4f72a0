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
RequestBodyLimitMiddleware
process_exception
PermissionsPolicyMiddleware
OtpRequiredMiddleware
# django-axes settings: AXES_LOCKOUT_CALLABLE and AXES_LOCKOUT_PARAMETERS (dotted paths).
locked_out
lockout_parameters
# locust finds HttpUser subclasses in bench/locustfile.py and calls on_start by name.
Steward
on_start
# django-ninja reads a pagination class's nested ``Input`` schema by that name.
Input
# html.parser.HTMLParser calls these by name (the crawl test's text extractor).
handle_starttag
handle_endtag
handle_data
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
# `jaring enrol ACTION` dispatches the same way.
_export
_answer
_lapses
_end
# Not called yet: the field-crypto module's bulk forms (governance branch). Delete them if they stay unused.
encrypt_many
blind_index_many
