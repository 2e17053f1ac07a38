from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label="工号/用户名",
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label="密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    error_messages = {
        "invalid_login": "工号或密码不正确。首次登录请使用身份证号后6位作为初始密码。",
        "inactive": "该账号已停用，请联系管理员。",
    }


class PasswordSetForm(forms.Form):
    """Choosing a new password. It asks for the current one, except on the forced first-login change
    (the worker has only just typed the initial password to get here); the page and the API share it."""

    current_password = forms.CharField(
        label="当前密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    new_password1 = forms.CharField(
        label="新密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    new_password2 = forms.CharField(
        label="再次输入新密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, user, *args, first_time: bool = False, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        if first_time:
            del self.fields["current_password"]

    def clean_current_password(self):
        current = self.cleaned_data["current_password"]
        if not self.user.check_password(current):
            raise forms.ValidationError("当前密码不正确")
        return current

    def clean_new_password2(self):
        first = self.cleaned_data.get("new_password1")
        second = self.cleaned_data.get("new_password2")
        if first and second and first != second:
            raise forms.ValidationError("两次输入的密码不一致")
        password_validation.validate_password(second, self.user)
        worker = getattr(self.user, "worker", None)
        if worker is not None and worker.id_number and second.upper() == worker.id_number[-6:].upper():
            raise forms.ValidationError("新密码不能与初始密码相同")
        return second


class DashboardForm(forms.Form):
    """辖区概览's query string: every value bounded, a bad one named in Chinese (never a 500)."""

    year = forms.IntegerField(
        label="年份",
        required=False,
        min_value=2000,
        max_value=2100,
        error_messages={
            "invalid": "年份应为数字，如 2026",
            "min_value": "年份应在 2000–2100 之间",
            "max_value": "年份应在 2000–2100 之间",
        },
    )
    quarter = forms.TypedChoiceField(
        label="季度",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "全年"), ("1", "第一季度"), ("2", "第二季度"), ("3", "第三季度"), ("4", "第四季度")],
        error_messages={"invalid_choice": "季度应为 1–4，或留空表示全年"},
    )
    unit = forms.IntegerField(
        label="单位",
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        error_messages={"invalid": "单位编号应为数字", "min_value": "单位编号不对", "max_value": "单位编号不对"},
    )

    def period(self, today):
        """The chosen period; the current year for what is missing or wrong."""
        from lms.periods import Period

        self.is_valid()
        data = self.cleaned_data  # the fields that are valid; a wrong one falls back to its default
        year = data.get("year") or today.year
        return Period(year, data.get("quarter"))

    def error_messages_list(self) -> list[str]:
        return [f"{self.fields[name].label}：{message}" for name, errors in self.errors.items() for message in errors]
