"""The document kinds `build` makes, declared in one registry.

A kind says: its name, its template, whether it is made once or once per unit, its output name, and
the function that builds its context from the aggregated data. The pipeline asks the registry for
every document to make; nothing else knows the kinds. Adding a kind is one `DocumentKind` here, one
context function and one template.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from reports import vietnamese as vn
from reports.context import consolidated, unit
from reports.context.consolidated import ConsolidatedContext
from reports.context.values import Figures, figures

if TYPE_CHECKING:  # the aggregation (pandas) runs in the build's own process; its workers import this
    # module for the handout's binder without it (reports.preload)
    from reports.aggregate import Aggregates
    from reports.model import Dataset

UNITS_DIR = "don-vi"


@dataclass
class Aggregated:
    """The aggregate stage's result: the committee's figures and each included unit's own."""

    dataset: Dataset
    consolidated: Aggregates
    units: Mapping[str, Aggregates]

    @cached_property
    def consolidated_context(self) -> ConsolidatedContext:
        """The consolidated report's context, built once (the handout quotes the report)."""
        return consolidated.build(self.dataset, self.consolidated)

    @cached_property
    def committee_figures(self) -> Figures:
        """The committee's figures as every unit document compares with them (built once)."""
        return figures(self.consolidated)

    @property
    def unit_codes(self) -> list[str]:
        return [str(code) for code in self.dataset.figures.index]


class UnitAggregates(Mapping[str, "Aggregates"]):
    """Each included unit's own figures, computed when asked for and not kept.

    A unit's aggregation takes about 12 ms (pandas on a one-row frame): computed on demand, the
    figures of unit n+1 are worked out while the renderers lay out unit n and the consolidated report,
    instead of all 600 before the first document starts; and memory does not grow with the units.
    """

    def __init__(self, dataset: Dataset) -> None:
        self._dataset = dataset
        self._codes = [str(code) for code in dataset.figures.index]

    def __getitem__(self, code: str) -> Aggregates:
        if code not in self._dataset.figures.index:
            raise KeyError(code)
        from reports.aggregate import aggregate, unit_dataset

        return aggregate(unit_dataset(self._dataset, code), tables=False)

    def __iter__(self) -> Iterator[str]:
        return iter(self._codes)

    def __len__(self) -> int:
        return len(self._codes)


def aggregate_all(dataset: Dataset) -> Aggregated:
    """The consolidated figures now; each unit's when `documents` builds that unit's context."""
    from reports.aggregate import aggregate

    return Aggregated(dataset, aggregate(dataset), UnitAggregates(dataset))


@dataclass(frozen=True)
class DocumentKind:
    name: str
    template: str
    per_unit: bool
    output_stem: Callable[[int, str], str]  # (year, unit code or "") -> path without extension
    build_context: Callable[[Aggregated, str], Any]  # (aggregated, unit code or "") -> context
    # A kind made from other documents' rendered files instead of its own template rendering (the
    # handout binds the consolidated report): (context, rendered files by stem, formats, templates) -> files.
    # A module-level function: it runs in a worker process, as soon as the documents it binds are ready.
    bind: Callable[[Any, Mapping[str, Mapping[str, bytes]], Sequence[str], Any, Any], dict[str, bytes]] | None = None
    binds: tuple[str, ...] = ()  # the once-made kinds whose files `bind` reads
    # What a per-unit document reads beyond its own unit's rows (the committee's rates it compares
    # with): hashed into each unit document's inputs, so a change elsewhere that reaches it renders it.
    shared_inputs: Callable[[Aggregated], Any] | None = None
    # Its PDF is laid out in parts (appendices numbering their own pages): its HTML is rendered in the
    # build's process, so that the parts are sent to the workers with the first task.
    in_parts: bool = False


@dataclass(frozen=True)
class Document:
    """One document to make: its kind, its unit ("" for a once-made kind), output stem and context."""

    kind: str
    unit: str
    stem: str
    template: str
    context: Any


def _consolidated_context(data: Aggregated, _: str) -> ConsolidatedContext:
    return data.consolidated_context


def _unit_context(data: Aggregated, code: str) -> unit.UnitContext:
    return unit.build(data.dataset, code, data.units[code], data.committee_figures)


CONSOLIDATED = DocumentKind(
    name="bao-cao-tong-hop",
    template="bao-cao-tong-hop.html.j2",
    per_unit=False,
    output_stem=lambda nam, _: f"bao-cao-tong-hop-{nam}",
    build_context=_consolidated_context,
    in_parts=True,
)
UNIT_REPORT = DocumentKind(
    name="bao-cao-don-vi",
    template="bao-cao-don-vi.html.j2",
    per_unit=True,
    output_stem=lambda _, code: f"{UNITS_DIR}/{vn.safe_filename(code)}",
    build_context=_unit_context,
    shared_inputs=lambda data: unit.committee_rates(data.committee_figures),
)


def _handout_context(data: Aggregated, _: str) -> Any:
    from reports.context import handout

    return handout.build(data.dataset, data.consolidated, _consolidated_context(data, ""))


def _bind_handout(
    context: Any, rendered: Mapping[str, Mapping[str, bytes]], formats: Sequence[str], templates: Any, parts: Any
) -> dict[str, bytes]:
    from reports.handout import render_handout

    report = rendered[CONSOLIDATED.output_stem(context.nam, "")]
    return render_handout(context, report, formats, templates, parts)


HANDOUT = DocumentKind(
    name="tai-lieu-hoi-nghi",
    template="tai-lieu-hoi-nghi.html.j2",
    per_unit=False,
    output_stem=lambda nam, _: f"tai-lieu-hoi-nghi-{nam}",
    build_context=_handout_context,
    bind=_bind_handout,
    binds=(CONSOLIDATED.name,),
)

REGISTRY: tuple[DocumentKind, ...] = (CONSOLIDATED, HANDOUT, UNIT_REPORT)
KINDS = {kind.name: kind for kind in REGISTRY}


def documents(data: Aggregated, kinds: tuple[DocumentKind, ...] = REGISTRY) -> Iterator[Document]:
    """Every document to make, once-made kinds first (the longest tasks start first)."""
    year = data.dataset.settings.nam
    for kind in sorted(kinds, key=lambda k: k.per_unit):
        for code in data.unit_codes if kind.per_unit else [""]:
            context = kind.build_context(data, code)
            yield Document(kind.name, code, kind.output_stem(year, code), kind.template, context)
