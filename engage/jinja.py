"""The app's Jinja environment: Flask's, with template globals whose keys come back as a set.

Every ``{% import %}`` and ``{% from ... import %}`` in a render asks Jinja for "the context's global
names minus the template's" (jinja2.Template._get_default_module). With the stock ChainMap that
difference runs in Python over every global, a dozen times per page; as a set it is one C call.
"""

from collections import ChainMap

from flask.templating import Environment as FlaskEnvironment


class TemplateGlobals(ChainMap):
    """Jinja's template globals (the template's own over the environment's), with ``keys()`` as a set."""

    def keys(self):
        return set().union(*self.maps)


class Environment(FlaskEnvironment):
    def make_globals(self, d):
        return TemplateGlobals({} if d is None else d, self.globals)
