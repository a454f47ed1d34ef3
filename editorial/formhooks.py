"""Hooks into a record's change form, for apps above editorial (``core.hooks``).

``ChangeFormHooksMixin`` is the first base of ``editorial.admin.ContentAdmin``:

* ``content_admin_initial(request, obj) -> {field: value}`` — on a GET of an
  existing record's change form, the form opens with these values instead of
  the saved ones (fields the form does not have are ignored). The record
  itself is not touched, so a POST compares against the saved values as
  usual and the hook never runs for it. Called once per request.
* ``content_admin_before_save(request, obj, change)`` — just before the
  record is saved (e.g. to set ``obj._change_reason`` for its history).
* ``content_admin_saved(request, obj, change)`` — after the record, its
  child rows and its links are saved, inside the admin's transaction: the
  record's latest history version is the one this save produced.

Editorial itself registers nothing here; reader feedback uses all three to
turn a suggestion into an edit (``feedback.accept``).
"""

from core import hooks


class ChangeFormHooksMixin:
    def _hooked_initial(self, request, obj) -> dict:
        cache = request.__dict__.setdefault("_content_admin_initial", {})
        key = (type(obj), obj.pk)
        if key not in cache:
            initial = {}
            for values in hooks.run("content_admin_initial", request=request, obj=obj):
                initial.update(values or {})
            cache[key] = initial
        return cache[key]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        if (
            obj is None
            or obj.pk is None
            or request.method != "GET"
            or getattr(request, "_reverting_to", None) is not None  # a revert has its own values
        ):
            return form_class
        initial = self._hooked_initial(request, obj)
        if not initial:
            return form_class

        class HookedInitialForm(form_class):
            def __init__(self, *args, **form_kwargs):
                super().__init__(*args, **form_kwargs)
                if not self.is_bound:
                    for name, value in initial.items():
                        if name in self.fields:
                            self.initial[name] = value

        HookedInitialForm.__name__ = form_class.__name__
        return HookedInitialForm

    def save_model(self, request, obj, form, change):
        hooks.run("content_admin_before_save", request=request, obj=obj, change=change)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        hooks.run("content_admin_saved", request=request, obj=form.instance, change=change)
