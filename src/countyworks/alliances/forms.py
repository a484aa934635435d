"""Forms of program 1's pages."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from countyworks.alliances.models import Member, ServiceCategory


class RequestForm(forms.Form):
    member = forms.ModelChoiceField(label=_("提出成员"), queryset=Member.objects.none())
    category = forms.ChoiceField(label=_("类别"), choices=ServiceCategory.choices)
    title = forms.CharField(label=_("事项"), max_length=128)
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: object, members: QuerySet[Member], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["member"].queryset = members  # type: ignore[attr-defined]


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("评价"),
        coerce=int,
        choices=[
            (5, _("非常满意")),
            (4, _("满意")),
            (3, _("基本满意")),
            (2, _("不满意")),
            (1, _("很不满意")),
        ],
    )
    comment = forms.CharField(label=_("评价意见"), max_length=200, required=False)


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
