"""Forms of program 2: parse and validate input; the services do the writing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from countyworks.innovation.models import (
    Achievement,
    Challenge,
    ChallengeApplication,
    EnterprisePlan,
    InnovationPlatform,
    Tier,
)
from countyworks.innovation.rule_words import ruleset_name
from countyworks.rules.engine import Field as RuleField
from countyworks.rules.engine import RuleSet
from countyworks.rules.registry import get_ruleset, known_codes


def ruleset_choices() -> list[tuple[str, str]]:
    """(code, "title（document）") of every registered rule set, in the active language."""
    return [(code, ruleset_name(get_ruleset(code))) for code in known_codes()]


def _set_queryset(form: forms.BaseForm, name: str, queryset: QuerySet[Any] | None) -> None:
    """Give a model choice field its (viewer-scoped) queryset."""
    cast(forms.ModelChoiceField, form.fields[name]).queryset = queryset


def _set_choices(form: forms.BaseForm, name: str, choices: Sequence[tuple[str, Any]]) -> None:
    cast(forms.ChoiceField, form.fields[name]).choices = choices


class DateInput(forms.DateInput):
    input_type = "date"


class CampaignForm(forms.Form):
    title = forms.CharField(
        label=_("批次名称"), max_length=128, required=False, help_text=_("留空则按区域、年度和规则自动命名")
    )
    region: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("评价区域"), queryset=None)  # type: ignore[arg-type]
    year = forms.IntegerField(label=_("评价年度"), min_value=2016, max_value=2100)
    ruleset_code = forms.ChoiceField(label=_("评价规则"), choices=())

    def __init__(self, *args: Any, regions=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "region", regions)
        self.fields["region"].initial = regions.order_by("code").first() if regions is not None else None
        _set_choices(self, "ruleset_code", ruleset_choices())
        self.fields["year"].initial = timezone.localdate().year


class UploadForm(forms.Form):
    file = forms.FileField(label=_("企业数据文件（xlsx / csv）"))


class ConfirmForm(forms.Form):
    entered_on = forms.DateField(label=_("入库日期"), widget=DateInput)
    closes_year = forms.BooleanField(
        label=_("该年度评价已全部完成"),
        required=False,
        help_text=_("勾选后，首页和简报按该年度统计；未勾选时该年度显示为“进行中”"),
    )


class ResultFilterForm(forms.Form):
    """The results table's filters and sort (GET)."""

    qualified = forms.ChoiceField(
        label=_("结论"), required=False, choices=[("", _("全部")), ("yes", _("符合")), ("no", _("不符合"))]
    )
    failed = forms.ChoiceField(label=_("未满足条件"), required=False, choices=())
    q = forms.CharField(label=_("企业"), required=False, max_length=64)
    order = forms.ChoiceField(
        label=_("排序"),
        required=False,
        choices=[
            ("row", _("文件顺序")),
            ("score", _("得分从高到低")),
            ("-score", _("得分从低到高")),
            ("name", _("企业名称")),
        ],
    )

    def __init__(self, *args: Any, conditions: list[tuple[str, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        _set_choices(self, "failed", [("", _("全部")), *conditions])

    def qualified_value(self) -> bool | None:
        value = self.cleaned_data.get("qualified")
        return {"yes": True, "no": False}.get(value or "")


def self_assessment_form(
    ruleset: RuleSet, data: dict[str, Any] | None = None, initial: dict[str, Any] | None = None
) -> forms.Form:
    """A form with one field per rule-set input (except ``id``), labelled in Chinese.

    Values are kept as text: the rule set's own ``validate`` checks them, exactly as it checks a
    campaign file, so the page and a batch evaluation report the same errors.
    """
    fields: dict[str, forms.Field] = {}
    for spec in ruleset.fields:
        if spec.name == "id":
            continue
        fields[spec.name] = _form_field(spec)
    form_class = type("SelfAssessmentForm", (forms.Form,), fields)
    return form_class(data=data, initial=initial or {})


def _form_field(spec: RuleField) -> forms.Field:
    label = f"{spec.label}（{spec.unit}）" if spec.unit else spec.label
    if spec.kind == "bool":
        return forms.ChoiceField(
            label=label,
            required=spec.required,
            choices=[("", "—"), ("true", _("是")), ("false", _("否"))],
            initial="" if spec.required else "false",
        )
    if spec.kind == "enum":
        return forms.ChoiceField(
            label=label, required=spec.required, choices=[("", "—"), *((c, c) for c in spec.choices)]
        )
    if spec.kind == "date":
        return forms.CharField(label=label, required=spec.required, widget=DateInput)
    attrs = {"inputmode": "numeric" if spec.kind == "count" else "decimal"}
    return forms.CharField(
        label=label, required=spec.required, max_length=32, widget=forms.TextInput(attrs=attrs)
    )


class PlanForm(forms.ModelForm):
    class Meta:
        model = EnterprisePlan
        fields = ["year", "target_tier", "tech_needs", "bottlenecks", "measures", "officer", "status"]
        widgets = {f: forms.Textarea(attrs={"rows": 3}) for f in ("tech_needs", "bottlenecks", "measures")}

    def __init__(self, *args: Any, officers=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "officer", officers)
        _set_choices(self, "target_tier", [("", "—"), *Tier.choices])


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("节点"), max_length=128)
    due_on = forms.DateField(label=_("计划完成"), widget=DateInput)


class DoneForm(forms.Form):
    done_on = forms.DateField(label=_("完成日期"), widget=DateInput, initial=timezone.localdate)


class ProblemForm(forms.Form):
    title = forms.CharField(label=_("问题"), max_length=128)
    category = forms.ChoiceField(label=_("问题类别"), choices=())
    description = forms.CharField(
        label=_("情况说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from countyworks.innovation.services import plan_ticket_categories

        super().__init__(*args, **kwargs)
        _set_choices(self, "category", [("", _("请选择")), *plan_ticket_categories()])


class ChallengeForm(forms.ModelForm):
    class Meta:
        model = Challenge
        fields = ["region", "kind", "title", "need", "target_indicators", "budget", "deadline", "issuer"]
        widgets = {
            "need": forms.Textarea(attrs={"rows": 3}),
            "target_indicators": forms.Textarea(attrs={"rows": 3}),
            "deadline": DateInput,
        }

    def __init__(self, *args: Any, regions=None, issuers=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "region", regions)
        self.fields["region"].initial = regions.order_by("code").first() if regions is not None else None
        _set_queryset(self, "issuer", issuers)


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("转为"), choices=Challenge.Status.choices)
    comment = forms.CharField(label=_("说明"), max_length=300, required=False)


class ApplicationForm(forms.ModelForm):
    class Meta:
        model = ChallengeApplication
        fields = [
            "team_name",
            "lead_organisation",
            "partners",
            "members",
            "proposal",
            "requested_budget",
            "submitted_on",
        ]
        widgets = {
            "members": forms.Textarea(attrs={"rows": 3}),
            "proposal": forms.Textarea(attrs={"rows": 3}),
            "submitted_on": DateInput,
        }

    def __init__(self, *args: Any, organisations=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "lead_organisation", organisations)


class ReviewForm(forms.Form):
    application: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("申请团队"), queryset=None)  # type: ignore[arg-type]
    expert_name = forms.CharField(label=_("评审专家"), max_length=32)
    score = forms.DecimalField(label=_("评分（0–100）"), min_value=0, max_value=100, decimal_places=2)
    comment = forms.CharField(label=_("评审意见"), max_length=300, required=False)
    reviewed_on = forms.DateField(label=_("评审日期"), widget=DateInput)

    def __init__(self, *args: Any, applications=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "application", applications)


class AwardForm(forms.Form):
    application: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("揭榜团队"), queryset=None)  # type: ignore[arg-type]
    awarded_on = forms.DateField(label=_("揭榜日期"), widget=DateInput)

    def __init__(self, *args: Any, applications=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "application", applications)


class TrancheForm(forms.Form):
    amount = forms.DecimalField(label=_("金额（万元）"), min_value=0, decimal_places=2)
    condition = forms.CharField(label=_("拨付条件"), max_length=200)


class AcceptForm(forms.Form):
    passed = forms.TypedChoiceField(
        label=_("验收结论"),
        choices=[("yes", _("通过")), ("no", _("不通过，整改"))],
        coerce=lambda v: v == "yes",
    )
    notes = forms.CharField(label=_("验收意见"), widget=forms.Textarea(attrs={"rows": 3}))
    accepted_on = forms.DateField(label=_("验收日期"), widget=DateInput)


class AchievementForm(forms.ModelForm):
    class Meta:
        model = Achievement
        fields = ["kind", "title", "achieved_on", "reference", "region", "organisation", "platform"]
        widgets = {"achieved_on": DateInput}

    def __init__(self, *args: Any, regions=None, organisations=None, platforms=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "region", regions)
        _set_queryset(self, "organisation", organisations)
        _set_queryset(self, "platform", platforms)


class PlatformForm(forms.ModelForm):
    class Meta:
        model = InnovationPlatform
        fields = ["name", "kind", "level", "batch", "recognised_on", "host", "field"]
        widgets = {"recognised_on": DateInput}

    def __init__(self, *args: Any, hosts=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "host", hosts)
