from __future__ import annotations

from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from kenes.accounts.forms import RegistrationForm
from kenes.accounts.models import Role


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
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        next_url = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = resolve_url("home")
        return HttpResponseRedirect(next_url)
    return TemplateResponse(request, "accounts/user_register.html", {"form": form, "next": request.GET.get("next", "")})


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(request, "accounts/user_profile.html", {})
