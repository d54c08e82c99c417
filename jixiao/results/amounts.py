"""The possible amounts of a fund action (调整、收回、盘活, DOMAIN.md §8.2). Pure: standard library.

A fund action takes money from a project's current budget from its date on. What may be taken
is the project's **unspent balance** as the payment data show it on that day:

    balance = full-year budget − paid up to the action's month − earlier actions taken from it
              + money redeployed to it on or before the action's date

Worked example (the page's wording): a project of 2021 with a full-year budget of 300.00 万元
that paid 100.00 in January–March and 114.50 in April–June has, for a recovery dated 15 June,
a balance of 300.00 − 214.50 = 85.50; a recovery of 120.00 is refused with "收回金额 120.00 万元
超过项目未支付余额 85.50 万元（全年预算 300.00 − 截至 6 月支付 214.50）", one of 85.50 passes.
A second recovery afterwards finds 0.00 left and is refused too.

Choices made here (each explained where the code reads it):

- The payments counted are the monthly ones **up to and including** the action's month: the
  treasury's export is by month, and a payment of the same month may already be out.
- Earlier actions taken **from** the project count whatever their date (the money they took is
  gone from the budget from their date on, and an action dated before them must not make them
  impossible afterwards); money redeployed **to** the project counts only from its date on.
- An adjustment (调整) here is always a reduction (调减): it takes money, as a recovery does; a
  raise goes through the budget itself, not through a fund action.
- The date lies inside the project's budget year; a redeployment (盘活) names the receiving
  project, of the same region and year, not the project itself; the other two name none.
- Amounts are positive 万元 with at most 6 decimals (the stored precision of money).

`current_budget(full_year_budget, actions, on)` is the budget from an action's date on; the
measured figures (the full-year budget the monitoring and the self-evaluation read) never change.

Each refusal is a `Message` with a code (`funds.*`) and parameters; `check_action` returns them
by the field they concern, so a form and the API put each where it belongs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from jixiao.core.rule_messages import MESSAGES, Message, gettext_noop

ADJUST, RECOVER, REDEPLOY = "调整", "收回", "盘活"
KINDS = (ADJUST, RECOVER, REDEPLOY)
#: The word of each kind as a translatable message code (the stored value stays Chinese).
KIND_CODES = {ADJUST: "adjust", RECOVER: "recover", REDEPLOY: "redeploy"}
PLACES = 6  # the stored precision of money (万元)
ZERO = Decimal("0")
CENT = Decimal("0.01")

#: The messages of this module, added to the shared table (`core.rule_messages.MESSAGES`) when
#: it is imported, as every process using fund actions does (the results app loads it).
FUND_MESSAGES = {
    "funds.kind.adjust": gettext_noop("调整"),
    "funds.kind.recover": gettext_noop("收回"),
    "funds.kind.redeploy": gettext_noop("盘活"),
    "funds.kind.unknown": gettext_noop("处理方式“%(kind)s”无效，应为%(kinds)s之一"),
    "funds.amount.not_positive": gettext_noop("金额应大于 0（填写的是 %(amount)s 万元）"),
    "funds.amount.places": gettext_noop("金额 %(amount)s 万元的小数超过 %(places)s 位"),
    "funds.date.outside": gettext_noop(
        "日期 %(date)s 不在项目的预算年度（%(year)s 年 1 月 1 日至 12 月 31 日）内"),
    "funds.over_balance": gettext_noop(
        "%(kind)s金额 %(amount)s 万元超过项目未支付余额 %(balance)s 万元（%(explanation)s）"),
    "funds.balance.plain": gettext_noop("全年预算 %(budget)s − 截至 %(month)s 月支付 %(paid)s"),
    "funds.balance.full": gettext_noop(
        "全年预算 %(budget)s − 截至 %(month)s 月支付 %(paid)s − 此前调整、收回和盘活 %(taken)s"
        " + 调入 %(received)s"),
    "funds.receiving.missing": gettext_noop("盘活资金须指定接收项目"),
    "funds.receiving.self": gettext_noop("接收项目不能是项目本身"),
    "funds.receiving.elsewhere": gettext_noop(
        "接收项目 %(code)s 属于 %(region)s 的 %(year)s 年度，应与项目同一区划、同一年度（%(want_year)s 年度）"),
    "funds.receiving.not_redeploy": gettext_noop("只有盘活才填写接收项目（本次为%(kind)s）"),
}  # fmt: skip
MESSAGES.update(FUND_MESSAGES)


def kind_word(kind: str) -> Message:
    """The kind as a message, so it reads in the user's language."""
    return Message(f"funds.kind.{KIND_CODES[kind]}")


def money(value: Decimal) -> str:
    """万元 with two decimals for messages ("85.50")."""
    return f"{Decimal(value).quantize(CENT):,f}".replace(",", "")


@dataclass(frozen=True)
class Taken:
    """An earlier action of the project: `amount` taken from it on `on` (`received` True: money
    redeployed to it instead)."""

    amount: Decimal
    on: date
    received: bool = False


@dataclass(frozen=True)
class ProjectFacts:
    """What the rules need of a project."""

    id: int
    code: str
    region: str  # the region's code
    year: int


@dataclass(frozen=True)
class Balance:
    """The unspent balance on a day and the figures it comes from."""

    budget: Decimal
    month: int
    paid: Decimal
    taken: Decimal
    received: Decimal

    @property
    def value(self) -> Decimal:
        return self.budget - self.paid - self.taken + self.received

    def explanation(self) -> Message:
        figures = {"budget": money(self.budget), "month": self.month, "paid": money(self.paid)}
        if not self.taken and not self.received:
            return Message("funds.balance.plain", **figures)
        return Message(
            "funds.balance.full", **figures, taken=money(self.taken), received=money(self.received)
        )


@dataclass
class Check:
    """`problems`: field name → messages (empty: the action is possible)."""

    balance: Balance | None = None
    problems: dict[str, list[Message]] = field(default_factory=dict)

    def refuse(self, where: str, message: Message) -> None:
        self.problems.setdefault(where, []).append(message)

    @property
    def ok(self) -> bool:
        return not self.problems


def paid_until(payments: Mapping[int, Decimal], month: int) -> Decimal:
    """The payments of months 1..`month` (the treasury's monthly export)."""
    return sum((Decimal(a) for m, a in payments.items() if m <= month), ZERO)


def balance_on(
    full_year_budget: Decimal, payments: Mapping[int, Decimal], earlier: Iterable[Taken], on: date
) -> Balance:
    """The balance of the module's formula on `on`, with its parts."""
    earlier = list(earlier)
    return Balance(
        budget=Decimal(full_year_budget),
        month=on.month,
        paid=paid_until(payments, on.month),
        taken=sum((t.amount for t in earlier if not t.received), ZERO),
        received=sum((t.amount for t in earlier if t.received and t.on <= on), ZERO),
    )


def balance(
    full_year_budget: Decimal, paid_until_date: Decimal, earlier_actions: Iterable[Taken]
) -> Decimal:
    """The unspent balance: the full-year budget less what was paid up to the action's month
    less the earlier actions taken from the project, plus what was redeployed to it (the
    caller passes only the receipts dated on or before the action, as `balance_on` does)."""
    earlier = list(earlier_actions)
    taken = sum((t.amount for t in earlier if not t.received), ZERO)
    received = sum((t.amount for t in earlier if t.received), ZERO)
    return Decimal(full_year_budget) - Decimal(paid_until_date) - taken + received


def current_budget(full_year_budget: Decimal, actions: Iterable[Taken], on: date) -> Decimal:
    """The budget from `on`: the full-year budget less what actions dated on or before `on`
    took, plus what was redeployed to the project by then."""
    total = Decimal(full_year_budget)
    for action in actions:
        if action.on <= on:
            total += action.amount if action.received else -action.amount
    return total


def amount_problems(amount: Decimal) -> list[Message]:
    """A positive amount with at most `PLACES` decimals."""
    if not amount.is_finite() or amount <= 0:
        return [Message("funds.amount.not_positive", amount=str(amount))]
    exponent = amount.normalize().as_tuple().exponent  # an int: the amount is finite
    if isinstance(exponent, int) and exponent < -PLACES:
        return [Message("funds.amount.places", amount=f"{amount:f}", places=PLACES)]
    return []


def check_action(
    *,
    kind: str,
    amount: Decimal,
    on: date,
    project: ProjectFacts,
    full_year_budget: Decimal,
    payments: Mapping[int, Decimal],
    earlier: Sequence[Taken],
    receiving: ProjectFacts | None,
) -> Check:
    """Whether the action is possible; the problems by field (`kind`, `amount`, `date`,
    `receiving_project`). The balance is checked only when the rest holds."""
    check = Check()
    if kind not in KINDS:
        check.refuse("kind", Message("funds.kind.unknown", kind=kind, kinds="、".join(KINDS)))
    for problem in amount_problems(amount):
        check.refuse("amount", problem)
    if on.year != project.year:
        check.refuse("date", Message("funds.date.outside", date=on.isoformat(), year=project.year))
    if kind == REDEPLOY:
        if receiving is None:
            check.refuse("receiving_project", Message("funds.receiving.missing"))
        elif receiving.id == project.id:
            check.refuse("receiving_project", Message("funds.receiving.self"))
        elif (receiving.region, receiving.year) != (project.region, project.year):
            check.refuse(
                "receiving_project",
                Message(
                    "funds.receiving.elsewhere",
                    code=receiving.code,
                    region=receiving.region,
                    year=receiving.year,
                    want_year=project.year,
                ),
            )
    elif receiving is not None and kind in KINDS:
        check.refuse(
            "receiving_project", Message("funds.receiving.not_redeploy", kind=kind_word(kind))
        )
    if not check.ok:
        return check
    check.balance = balance_on(full_year_budget, payments, earlier, on)
    if amount > check.balance.value:
        check.refuse(
            "amount",
            Message(
                "funds.over_balance",
                kind=kind_word(kind),
                amount=money(amount),
                balance=money(check.balance.value),
                explanation=check.balance.explanation(),
            ),
        )
    return check
