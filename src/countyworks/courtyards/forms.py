"""Forms of program 5 (parsing only; the services decide and write)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from countyworks.courtyards.models import Assistance, Photo, Work, first_of_month


class AssistanceForm(forms.Form):
    helped_on = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("帮扶方式"), choices=Assistance.Kind.choices)
    description = forms.CharField(label=_("帮扶内容"), max_length=200)
    helpers = forms.CharField(label=_("帮扶人"), max_length=100)
    labour_days = forms.DecimalField(
        label=_("投工（工日）"), min_value=0, max_digits=5, decimal_places=1, initial=0
    )
    amount_yuan = forms.DecimalField(
        label=_("金额（元）"), min_value=0, max_digits=12, decimal_places=2, initial=0
    )


class RedeemForm(forms.Form):
    household = forms.IntegerField(label=_("农户"), widget=forms.Select)
    item = forms.IntegerField(label=_("商品"), widget=forms.Select)
    quantity = forms.IntegerField(label=_("数量"), min_value=1, max_value=99, initial=1)


class WorkStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), choices=Work.Status.choices)
    completed_on = forms.DateField(
        label=_("完成日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class WorkPhotoForm(forms.Form):
    stage = forms.ChoiceField(
        label=_("类别"), choices=[(Photo.Stage.BEFORE, _("改造前")), (Photo.Stage.AFTER, _("改造后"))]
    )
    photo = forms.FileField(
        label=_("照片"), widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"})
    )


def inspection_fields(post: QueryDict, files: MultiValueDict) -> dict[str, Any]:
    """What the inspection form (and the offline form posting to the API) sends, as the keyword
    arguments of :func:`countyworks.courtyards.services.inspection_submit` (the household apart).

    Scores come as ``item_<code>``; photos as ``photos`` with, in ``photo_items``, the code of the
    item each one documents (same order; blank for none). A month that is not ``YYYY-MM`` is
    reported in Chinese, like every other refusal, under its field.
    """
    from countyworks.courtyards.services import PhotoUpload

    raw_month = post.get("month", "")
    try:
        month = first_of_month(date.fromisoformat(f"{raw_month}-01"))
    except ValueError:
        raise ValidationError(
            {"month": [gettext("月份“%(value)s”格式不正确，应为 年-月") % {"value": raw_month}]}
        ) from None
    try:
        violations = int(post.get("violations") or 0)
    except ValueError:
        raise ValidationError({"violations": [gettext("门前三包违规处数须为整数")]}) from None
    photo_items = post.getlist("photo_items")
    return {
        "month": month,
        "points": {key[5:]: value for key, value in post.items() if key.startswith("item_")},
        "violations": violations,
        "notes": post.get("notes", "")[:2000],
        "photos": [
            PhotoUpload(upload, photo_items[n] if n < len(photo_items) else "")
            for n, upload in enumerate(files.getlist("photos"))
        ],
        "correction": post.get("correction") in ("1", "on", "true"),
        "client_key": post.get("client_key", "")[:64],
    }


def error_fields(exc: ValidationError) -> dict[str, list[str]]:
    """A refusal's messages by field (``__all__`` for those of no single field)."""
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
