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
    new_password1 = forms.CharField(
        label="新密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    new_password2 = forms.CharField(
        label="再次输入新密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

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
