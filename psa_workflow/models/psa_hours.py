# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Hours as the screens show them."""


def format_duration(hours):
    """Hours as Odoo shows durations (its ``float_time``): 7.5 -> "7:30"."""
    minutes = round((hours or 0.0) * 60)
    sign = "-" if minutes < 0 else ""
    return f"{sign}{abs(minutes) // 60}:{abs(minutes) % 60:02d}"
