# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "PSA Workflow: an integrator's example",
    "summary": "Each extension point of psa_workflow used as its README shows: "
    "a monthly retainer billed like time, a fee line, one invoice per customer, "
    "a second approver, a rate step and a state log",
    "version": "18.0.1.0.0",
    "category": "Services/Project",
    "author": "psa_workflow contributors",
    "license": "LGPL-3",
    "installable": True,
    "depends": ["psa_workflow"],
    "data": [
        "security/ir.model.access.csv",
        "security/psa_example_security.xml",
    ],
}
