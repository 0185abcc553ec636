"""Forms of the referrer's web flow; each error message says what to do."""

from __future__ import annotations

from django import forms

from common import ods
from pathways.decisions import decision_by_reference


class AnswerForm(forms.Form):
    """One question of a pathway: exactly one of its options."""

    answer = forms.ChoiceField()

    def __init__(self, question, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["answer"]
        field.choices = list(question.options)
        field.error_messages = {
            "required": f"Select an answer to: {question.text}",
            "invalid_choice": f"Select one of the answers listed to: {question.text}",
        }


class SiteChoiceField(forms.ModelChoiceField):
    """A site offered, by ODS code; text that cannot be a code is refused without a query."""

    def to_python(self, value):
        if value not in self.empty_values and not ods.is_ods_code(str(value)):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class SiteForm(forms.Form):
    """The referring site, by ODS code, from the sites offered."""

    site = SiteChoiceField(
        queryset=None,
        to_field_name="ods_code",
        error_messages={
            "required": "Select the hospital you are referring from",
            "invalid_choice": "Select the hospital you are referring from, from the list",
        },
    )

    def __init__(self, sites, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites


NO_SUCH_REFERENCE = (
    "No decision has this reference. Check it with the person who quoted it: "
    "it looks like IR-7KQ4-M2."
)


class ReferenceForm(forms.Form):
    """A decision reference as quoted on the phone, e.g. IR-7KQ4-M2 or ir7kq4m2."""

    reference = forms.CharField(
        max_length=30,
        strip=True,
        error_messages={"required": "Enter the decision reference, for example IR-7KQ4-M2"},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "%s")  # the field's id is "reference", as the page links it
        super().__init__(*args, **kwargs)

    def clean_reference(self):
        decision = decision_by_reference(self.cleaned_data["reference"])
        if decision is None:
            raise forms.ValidationError(NO_SUCH_REFERENCE)
        self.decision = decision
        return decision.reference
