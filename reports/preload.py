"""Imported once by the fork server that a build's worker processes start from (`batch.warm_server`).

Importing this module is the warm-up: WeasyPrint and python-docx imported, the bundled stylesheet and its
fonts parsed, the bundled templates compiled, the modules of every document kind's context and binder
imported, and the libraries the handout's binding needs. Each worker forked from the server starts with
all of it. The server does this while the build's own process imports pandas and reads the data
folder, on the other core; pandas is not imported here, as a worker only unpickles contexts
(reports.context.*, which do not import it) and renders them.
"""

from __future__ import annotations

import contextlib

# The warm-up is only a head start: whatever fails here (WeasyPrint without Pango, a broken template)
# fails again in the worker that renders, which reports it to the user the usual way. Left uncaught, a
# failure would stop the fork server, and the build with a multiprocessing error instead.
with contextlib.suppress(Exception):
    # pypdf and python-pptx's chart writer (reports.charts.chartxml): what the handout's binding
    # imports on first use, in the worker that binds it at the very end of a build (0,09 + 0,14 s).
    import pypdf  # noqa: F401

    import reports.charts.chartxml
    import reports.documents  # (the document kinds, the handout's binder and the contexts)
    import reports.handout  # noqa: F401
    from reports.render.batch import FORMATS, warm_up
    from reports.render.html import BUNDLED

    warm_up(FORMATS, BUNDLED, compile_all=True)
