"""Forms of program 4's pages (parsing only: the services validate the rules)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from countyworks.parks.models import DisposalKind, Parcel
from countyworks.workflow.models import Category


class DisposalForm(forms.Form):
    """A disposal of (part of) a parcel."""

    parcel = forms.CharField(label=_("地块编号"), max_length=32)
    kind = forms.ChoiceField(label=_("处置方式"), choices=DisposalKind.choices)
    area_mu = forms.DecimalField(
        label=_("处置面积（亩）"), max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )
    disposed_on = forms.DateField(label=_("处置日期"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args: Any, parcels: QuerySet[Parcel], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parcels = parcels

    def clean_parcel(self) -> Parcel:
        """The parcel of that code among those the officer reaches (a county has thousands: no list)."""
        code = self.cleaned_data["parcel"].strip().upper()
        parcel = self.parcels.filter(code=code).first()
        if parcel is None:
            raise forms.ValidationError(_("未知地块 %(code)s"), params={"code": code})
        return parcel


class ProblemForm(forms.Form):
    """A problem met on a project (becomes a ticket under 问题不过夜)."""

    title = forms.CharField(label=_("问题"), max_length=120)
    category = forms.ChoiceField(label=_("类别"), choices=Category.choices, initial=Category.CONSTRUCTION)
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
