"""Forms of the workflow pages: they parse input; the services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from countyworks.core.models import Organisation, Region
from countyworks.core.scoping import SHARED, scope
from countyworks.workflow.models import Category, Post, Priority, SlaPolicy, Status
from countyworks.workflow.selectors import post_choices


class TicketForm(forms.Form):
    """Raise a ticket from the web: about an organisation in reach, or about a region itself."""

    title = forms.CharField(label=_("标题"), max_length=128)
    description = forms.CharField(
        label=_("问题描述"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    category = forms.ChoiceField(label=_("类别"), choices=Category.choices)
    priority = forms.ChoiceField(label=_("优先级"), choices=Priority.choices, initial=Priority.NORMAL)
    policy = forms.ModelChoiceField(
        label=_("时限规则"),
        queryset=SlaPolicy.objects.filter(active=True),
        to_field_name="code",
        empty_label=None,
    )
    region = forms.ModelChoiceField(label=_("所在区划"), queryset=Region.objects.none(), empty_label=None)
    organisation = forms.ModelChoiceField(
        label=_("涉及单位（可选）"), queryset=Organisation.objects.none(), required=False
    )

    def __init__(self, *args, user, within: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        regions = scope(Region.objects.all(), user, SHARED, "write", within).filter(
            level__in=("county", "town", "village")
        )
        region_field = self.fields["region"]
        assert isinstance(region_field, forms.ModelChoiceField)
        region_field.queryset = regions.order_by("code")
        organisation_field = self.fields["organisation"]
        assert isinstance(organisation_field, forms.ModelChoiceField)
        organisation_field.queryset = scope(
            Organisation.objects.all(), user, SHARED, "write", within
        ).order_by("name")


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(choices=Status.choices)
    comment = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class CommentForm(forms.Form):
    body = forms.CharField(label=_("留言"), widget=forms.Textarea(attrs={"rows": 3}))


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("选择文件"))


class AssignForm(forms.Form):
    owner_post = forms.ModelChoiceField(label=_("转办给岗位"), queryset=Post.objects.none())
    comment = forms.CharField(label=_("说明"), required=False)

    def __init__(self, *args, user, region_code: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        owner_post_field = self.fields["owner_post"]
        assert isinstance(owner_post_field, forms.ModelChoiceField)
        owner_post_field.queryset = post_choices(user=user, region_code=region_code)


class MinutesForm(forms.Form):
    chair = forms.CharField(label=_("主持人"), max_length=64, required=False)
    attendees = forms.CharField(label=_("参会人员"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    summary = forms.CharField(label=_("会议纪要"), widget=forms.Textarea(attrs={"rows": 5}))
    decisions = forms.CharField(
        label=_("决定事项（每行一条；修改或删去某行即更正或撤回该条，留有修改记录）"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def decision_lines(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["decisions"].splitlines() if line.strip()]


class ActionForm(forms.Form):
    title = forms.CharField(label=_("交办事项"), max_length=128, required=False)
    owner_post = forms.ModelChoiceField(label=_("责任岗位"), queryset=Post.objects.none(), required=False)
    due_date = forms.DateField(
        label=_("完成时限"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, user, region_code: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        owner_post_field = self.fields["owner_post"]
        assert isinstance(owner_post_field, forms.ModelChoiceField)
        owner_post_field.queryset = post_choices(user=user, region_code=region_code)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("title") and (not data.get("owner_post") or not data.get("due_date")):
            raise forms.ValidationError(_("交办事项须填写责任岗位和完成时限"))
        return data


ActionFormSet = formset_factory(ActionForm, extra=4)
