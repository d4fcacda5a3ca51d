# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.models import regex_order
from odoo.tools import SQL, Query

# Session settings of the transaction reading a report (SET LOCAL: they end
# with it). PostgreSQL's JIT compiles the views' big plans for longer than
# they run (1.7 s of 3.8 s measured on a million timesheets); the grouping of
# a year of entries fits in memory with 64 MB instead of spilling to disk.
READ_SETTINGS = {"jit": "off", "work_mem": "64MB"}


class PsaSqlReportMixin(models.AbstractModel):
    """Reporting models over SQL views of entries (a million rows and more):

    - their reads run with the settings of ``READ_SETTINGS``;
    - a measure that is a sum of others (``_psa_sums``) is aggregated as
      the sum of their sums, not computed on every row first;
    - groups of a many2one are ordered as Odoo orders them (the comodel's
      order) by looking the order up once per group, instead of joining the
      comodel to every row and grouping the rows by its order columns too.
    """

    _name = "psa.sql.report.mixin"
    _description = "PSA report over an SQL view"

    # {field: {part: sign}}: field = sum of sign x part on every row
    _psa_sums = {}

    @api.model
    def _psa_tune_reads(self):
        """Apply ``READ_SETTINGS`` to the transaction, never lowering a
        ``work_mem`` the database already sets higher."""
        self.env.cr.execute(
            SQL(
                "SELECT set_config('jit', %s, true),"
                " CASE WHEN pg_size_bytes(current_setting('work_mem'))"
                "           < pg_size_bytes(%s)"
                "      THEN set_config('work_mem', %s, true) END",
                READ_SETTINGS["jit"],
                READ_SETTINGS["work_mem"],
                READ_SETTINGS["work_mem"],
            )
        )

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
        return super()._read_group(
            domain, groupby, aggregates, having, offset, limit, order
        )

    @api.model
    def search_fetch(self, domain, field_names, offset=0, limit=None, order=None):
        self._psa_tune_reads()
        return super().search_fetch(
            domain, field_names, offset=offset, limit=limit, order=order
        )

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

    def _order_field_to_sql(self, alias, field_name, direction, nulls, query):
        field = self._fields.get(field_name)
        if not (query.groupby and field is not None and field.type == "many2one"):
            return super()._order_field_to_sql(
                alias, field_name, direction, nulls, query
            )
        comodel = self.env[field.comodel_name]
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
