"""Problem messages: English templates that Odoo translates when it logs them.

Converters write ``_("Invalid CEP %(value)r kept as typed.")`` with the values as
parameters: the pure code reads the English text, and Odoo's translation export picks
the template up (``_`` is one of its keywords), so the issue log shows it in the
admin's language.
"""


def _(template):
    """Mark ``template`` for translation; it is formatted later, with its parameters."""
    return template


def render(template, params):
    """``template`` with its parameters (``%`` style), or as is when it has none."""
    return template % params if params else template
