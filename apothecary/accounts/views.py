from django.contrib.auth import login
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from apothecary.core.ratelimit import client_ip, hit

from .forms import EmailAuthenticationForm, SignupForm


class CustomerLoginView(LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if not hit(scope="login", key=client_ip(request), limit=20, window_seconds=600):
            form = self.get_form()
            form.is_valid()
            form.add_error(None, "Too many attempts. Please wait ten minutes and try again.")
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)


def signup(request):
    if request.user.is_authenticated:
        return redirect("orders:account")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("orders:account")
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(request, "accounts/signup.html", {"form": form}, status=status)
