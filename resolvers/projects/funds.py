"""Fund usage (资金使用): disbursements against the budget, never silently over it."""

from __future__ import annotations

from datetime import date

from core import validators
from core.errors import Refused
from models.columns import max_length
from models.projects import Disbursement
from resolvers.caller import Caller
from resolvers.events import changing
from resolvers.projects.codes import ProjectCode
from resolvers.projects.common import Snapshot, project_gid, require_project
from resolvers.projects.progress import check_open
from resolvers.projects.uploads import UploadLike, staged


async def record_disbursement(
    caller: Caller,
    project_id: int,
    amount: str,
    paid_on: date,
    purpose: str,
    voucher: UploadLike | None,
    over_budget_reason: str,
) -> Disbursement:
    """A payment; one that takes spending over the budget needs a reason and is flagged."""
    services, actor = caller.services, caller.user
    value = validators.amount(amount, "amount")
    purpose = validators.text(purpose, "purpose", max_length(Disbursement, "purpose"))
    reason = over_budget_reason.strip()
    project = await require_project(project_id)
    check_open(project)
    uploads = [voucher] if voucher is not None else []
    async with staged(services, project.tenant_id, uploads, "voucher") as staging:
        async with changing(services, actor) as change:
            project = await require_project(project_id, for_update=True)
            spent = validators.money_total(project.spent + value, "amount")
            over = spent > project.budget
            if over and not reason:
                raise Refused(
                    ProjectCode.OVER_BUDGET,
                    "project.over_budget",
                    "overBudgetReason",
                    spent=str(spent),
                    budget=str(project.budget),
                )
            row = await Disbursement.create(
                project_id=project.id,
                amount=value,
                paid_on=paid_on,
                purpose=purpose,
                over_budget=over,
                over_budget_reason=reason if over else "",
                recorded_by_id=actor.id,
                created_at=change.at,
            )
            for staged_file in staging.files:
                await staged_file.photo(
                    change.street_id, project.id, change.at, disbursement_id=row.id
                ).save()
            project.spent = spent
            project.updated_at = change.at
            await project.save(update_fields=["spent", "updated_at"])
            subject = project_gid(project.id)
            await change.audit(
                "project.disbursed",
                subject,
                {
                    "disbursement": row.id,
                    "amount": str(value),
                    "paidOn": paid_on.isoformat(),
                    "purpose": purpose,
                    "overBudget": over,
                    "reason": row.over_budget_reason,
                },
            )
            await change.event(
                "project.disbursed",
                subject,
                Snapshot(project).payload(services, amount=str(value), overBudget=over),
            )
        staging.commit()
    return row
