from __future__ import annotations

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import resolve_url
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods, require_safe

from kenes.accounts.forms import RegistrationForm
from kenes.accounts.models import Role
from kenes.ratelimit import check_rate, request_allowed, too_many_requests


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return HttpResponseRedirect(resolve_url("home"))
    form = RegistrationForm(request.POST or None, language=get_language() or "kk")
    if request.method == "POST" and form.is_valid():
        user = form.save(commit=False)
        user.role = Role.CITIZEN
        user.preferred_language = get_language() or "kk"
        user.save()
        login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
        next_url = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = resolve_url("home")
        return HttpResponseRedirect(next_url)
    return TemplateResponse(request, "accounts/user_register.html", {"form": form, "next": request.GET.get("next", "")})


@require_safe
@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(request, "accounts/user_profile.html", {})


_login_form_view = auth_views.LoginView.as_view(
    template_name="accounts/user_login.html", redirect_authenticated_user=True
)


def login_allowed(request: HttpRequest) -> bool:
    """One login attempt counted per IP and per attempted username (KENES_LOGIN_RATE), so that
    neither one address trying many accounts nor many addresses trying one account get far."""
    allowed = request_allowed(request, "login", "KENES_LOGIN_RATE")
    username = str(request.POST.get("username", ""))[:150].strip().casefold()
    if username:
        allowed = check_rate(f"login:name:{username}", "KENES_LOGIN_RATE") and allowed
    return allowed


def login_view(request: HttpRequest) -> HttpResponseBase:
    """Django's login form, throttled: a POST over the limit gets 429 before the password is checked."""
    if request.method == "POST" and not login_allowed(request):
        return too_many_requests(request)
    return _login_form_view(request)
