# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.models import regex_order
from odoo.tools import SQL, Query

# Session settings of the transaction reading a report (SET LOCAL: they end
# with it). PostgreSQL's JIT compiles the views' big plans for longer than
# they run (1.7 s of 3.8 s measured on a million timesheets). A larger
# work_mem (64 MB) was dropped: the reporting benchmark measured it making the
# views as they open 3.5x slower (utilization pivot of this month 0.157 s ->
# 0.555 s: hash plans over the whole table instead of the month's rows) for at
# most 18 % on reads of a year.
READ_SETTINGS = {"jit": "off"}


class PsaSqlReportMixin(models.AbstractModel):
    """Reporting models over SQL views of entries (a million rows and more):

    - their reads run with the settings of ``READ_SETTINGS``;
    - a measure that is a sum of others (``_psa_sums``) is aggregated as
      the sum of their sums, not computed on every row first;
    - groups of a many2one are ordered as Odoo orders them (the comodel's
      order) without joining the comodel to every row and grouping the rows by
      its order columns too: sorted in Python after the grouping, or (with a
      limit) by looking the order up once per group.

    Three of these override private methods of Odoo's ORM (``_read_group``,
    ``_read_group_select``, ``_order_field_to_sql``): each is kept because the
    reporting benchmark (``benchmarks/bench_reporting.py
    --compare-overrides``, a million timesheets) measures the reads slower
    without it; the figures are next to each.
    """

    _name = "psa.sql.report.mixin"
    _description = "PSA report over an SQL view"

    # {field: {part: sign}}: field = sum of sign x part on every row
    _psa_sums = {}
    # Reads the billable entries of every kind the engine registers (and
    # their links): they are flushed before each read, whatever module
    # added the kind (``_depends`` names the addon's own fields only).
    _psa_reads_billables = False

    @api.model
    def _psa_flush_billables(self):
        if not self._psa_reads_billables:
            return
        kinds = self.env["psa.invoicing.engine"]._psa_billable_kinds().values()
        for model in {"psa.invoice.link", *(spec.model for spec in kinds)}:
            self.env[model].flush_model()

    @api.model
    def _psa_tune_reads(self):
        """Apply ``READ_SETTINGS`` to the transaction."""
        self.env.cr.execute(
            SQL(
                "SELECT %s",
                SQL(", ").join(
                    SQL("set_config(%s, %s, true)", name, value)
                    for name, value in READ_SETTINGS.items()
                ),
            )
        )

    # Private ORM method, kept: the read settings, the flush of the billables
    # (correctness) and the many2one group order (see _psa_group_sort).
    @api.model
    def _read_group(  # noqa: PLR0917 - Odoo's signature
        self,
        domain,
        groupby=(),
        aggregates=(),
        having=(),
        offset=0,
        limit=None,
        order=None,
    ):
        self._psa_tune_reads()
        self._psa_flush_billables()
        sort = None
        if not (offset or limit or self.env.context.get("psa_groups_by_id")):
            sort = self._psa_group_sort(groupby, order)
        if sort is None:
            return super()._read_group(
                domain, groupby, aggregates, having, offset, limit, order
            )
        rows = self.with_context(psa_groups_by_id=True)._read_group(
            domain, groupby, aggregates, having, order=order
        )
        return sort(rows)

    @api.model
    def _psa_group_sort(self, groupby, order):
        """The groups of many2one values in the comodel's order, sorted in
        Python once PostgreSQL has grouped them on the ids: an ORDER BY on
        the comodel (a join, or a subquery per group) would keep PostgreSQL
        from summing in parallel workers. ``None`` when the order is not
        only of many2one and date groups (then SQL orders).

        :return: a function sorting the rows of ``_read_group``, or ``None``
        """
        groupby, steps = list(groupby), []
        for part in (order or ",".join(groupby)).split(","):
            match = regex_order.match(part)
            field = match and self._fields.get(match["field"])
            if not field or match["term"] not in groupby or match["nulls"]:
                return None
            if field.type not in ("many2one", "date", "datetime"):
                return None
            descending = (match["direction"] or "").upper() == "DESC"
            steps.append((groupby.index(match["term"]), field, descending))
        if not any(field.type == "many2one" for _i, field, _d in steps):
            return None

        def sort(rows):
            # Stable sorts from the last term to the first; empty values
            # last, or first when descending, as PostgreSQL sorts NULL.
            for index, field, descending in reversed(steps):
                if field.type == "many2one":
                    ids = {row[index].id for row in rows if row[index]}
                    comodel = self.env[field.comodel_name].sudo()
                    ranks = {
                        record.id: rank
                        for rank, record in enumerate(
                            comodel.with_context(active_test=False).search(
                                [("id", "in", list(ids))]
                            )
                        )
                    }

                    def key(row, index=index, ranks=ranks):
                        return (not row[index], ranks.get(row[index].id, 0))

                else:

                    def key(row, index=index):
                        return (not row[index], row[index] or 0)

                rows = sorted(rows, key=key, reverse=descending)
            return rows

        return sort

    @api.model
    def search_fetch(self, domain, field_names, offset=0, limit=None, order=None):
        self._psa_tune_reads()
        self._psa_flush_billables()
        return super().search_fetch(
            domain, field_names, offset=offset, limit=limit, order=order
        )

    # Private ORM method, kept: without sums of parts the benchmark's
    # profitability by project (all time) took 1.30x as long (0.961 s ->
    # 1.251 s), by customer over 12 months 1.20x, the profitability pivot of
    # this year 1.16x.
    @api.model
    def _read_group_select(self, aggregate_spec, query):
        fname, _property, func = aggregate_spec.partition(":")
        parts = self._psa_sums.get(fname)
        if not parts or func != "sum":
            return super()._read_group_select(aggregate_spec, query)
        select = super()._read_group_select
        terms = [
            SQL("%s %s", SQL("+" if sign > 0 else "-"), select(f"{part}:sum", query))
            for part, sign in parts.items()
        ]
        return SQL("(0 %s)", SQL(" ").join(terms))

    # Private ORM method, kept (with _psa_group_sort): with Odoo's order of
    # many2one groups the benchmark's profitability graph of this year took
    # 1.86x as long (0.586 s -> 1.088 s), its pivot 1.61x, utilization by
    # department x month 1.48x.
    def _order_field_to_sql(self, alias, field_name, direction, nulls, query):
        """Groups of a many2one (``query.groupby`` set): by id when Python
        sorts them after; else by the comodel's order columns looked up once
        per group (subqueries), not joined to every row and grouped on."""
        field = self._fields.get(field_name)
        if not (query.groupby and field is not None and field.type == "many2one"):
            return super()._order_field_to_sql(
                alias, field_name, direction, nulls, query
            )
        comodel = self.env[field.comodel_name]
        if self.env.context.get("psa_groups_by_id"):
            # sorted in Python after (see _psa_group_sort)
            group = self._field_to_sql(alias, field_name, query)
            return SQL("%s %s %s", group, direction, nulls)
        if comodel._order == "id":
            return super()._order_field_to_sql(
                alias, field_name, direction, nulls, query
            )
        group = self._field_to_sql(alias, field_name, query)
        terms = []
        for part in comodel._order.split(","):
            match = regex_order.match(part)
            cofield = comodel._fields.get(match["field"])
            if not (cofield and cofield.column_type) or cofield.type == "many2one":
                # not a plain column of the comodel: Odoo's join
                return super()._order_field_to_sql(
                    alias, field_name, direction, nulls, query
                )
            descending = (match["direction"] or "").upper() == "DESC"
            descending ^= direction.code == "DESC"
            lookup = Query(self.env, "psa_group_order", SQL.identifier(comodel._table))
            lookup.add_where(SQL("psa_group_order.id = %s", group))
            value = comodel._field_to_sql("psa_group_order", cofield.name, lookup)
            terms.append(
                SQL(
                    "(%s) %s %s",
                    lookup.subselect(value),
                    SQL("DESC" if descending else "ASC"),
                    nulls,
                )
            )
        return SQL(", ").join(terms)
