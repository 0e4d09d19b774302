"""Build the POST data an admin change page would send, from the page the test client rendered."""


def _add_form(data: dict, form) -> None:
    for name, field in form.fields.items():
        bound = form[name]
        value = field.prepare_value(bound.value())
        if value is None or value is False:
            continue
        if value is True:
            data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(v) for v in value]
        else:
            data[bound.html_name] = value


def admin_change_form_data(response) -> dict:
    data: dict = {}
    _add_form(data, response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[f"{formset.prefix}-{name}"] = management[name].value()
        for form in formset.forms:
            _add_form(data, form)
    return data
