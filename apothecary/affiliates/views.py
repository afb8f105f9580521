"""The affiliate's and the applicant's pages, all under /affiliates/ and never cached (urls.py):
applying (the landing page's form posts here), the thank-you page, the dashboard with its link
maker, changing the code, and downloading one's data.

Every page here shows the signed-in person's own affiliate record and nothing else: the record
is always found from `request.user`, never from an id in the URL."""

import json
import logging
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST
from wagtail.models import Site

from apothecary.accounts.services import sign_in_new_account
from apothecary.core.money import store_currency
from apothecary.core.ratelimit import client_ip, hit

from . import selectors
from .forms import ApplicationForm, CodeForm, LinkForm
from .membership import MembershipError, affiliate_apply, affiliate_change_code, affiliate_signup
from .models import AffiliateProgramPage, AffiliateProgramSettings, CreativeKind

logger = logging.getLogger(__name__)

HOUR = 3600
BANNER_RENDITION = "max-600x600"
CHART_WIDTH, CHART_HEIGHT = 900, 90


def program_page(request) -> AffiliateProgramPage | None:
    """The site's live landing page, for links back to the terms and the breadcrumbs."""
    site = Site.find_for_request(request)
    pages = AffiliateProgramPage.objects.live()
    if site is not None:
        pages = pages.descendant_of(site.root_page, inclusive=True)
    return pages.first()


def _render(request, template: str, context: dict, *, status: int = 200, crumb: str = ""):
    page = program_page(request)
    base = {
        "page": page,
        "program": AffiliateProgramSettings.for_request(request),
        "currency": store_currency(),
    }
    if page is not None and crumb:
        base["extra_breadcrumb"] = (crumb, request.path)
    return TemplateResponse(request, template, {**base, **context}, status=status)


# Applying.


def apply(request):
    """GET: the sign-up form on a page of its own. POST (from here or the landing page): the
    application; a visitor without an account gets one and is signed in. Refusals come back
    as this page with the form as typed (never the password), a message and a 4xx."""
    user = request.user
    if request.method != "POST":
        if selectors.affiliate_for_user(user) is not None:
            return redirect("affiliates:dashboard")
        form = ApplicationForm(user=user)
        return _render(request, "affiliates/apply.html", {"form": form}, crumb="Apply")

    form = ApplicationForm(request.POST, user=user)
    status = 400
    if form.is_valid():
        if not hit(
            scope="affiliate-apply",
            key=client_ip(request),
            limit=settings.AFFILIATE_LIMIT_PER_IP,
            window_seconds=HOUR,
        ):
            form.add_error(
                None,
                "We have had several applications from your network in the last hour. Please "
                "wait an hour and send it again; what you typed is still below.",
            )
            status = 429
        else:
            try:
                if form.creates_account:
                    affiliate = affiliate_signup(
                        password=form.cleaned_data["password"],
                        **form.account_names(),
                        **form.application_data(),
                    )
                    sign_in_new_account(request=request, user=affiliate.user)
                else:
                    affiliate_apply(user=user, **form.application_data())
            except MembershipError as refusal:
                field = refusal.field if refusal.field in form.fields else None
                form.add_error(field, refusal.message)
            else:
                return redirect("affiliates:applied")
    logger.warning(
        "affiliate application refused (%s): %s",
        status,
        ", ".join(sorted(form.errors)) or "no reason",
    )
    form.prepare_retry()
    return _render(request, "affiliates/apply.html", {"form": form}, status=status, crumb="Apply")


@login_required
def applied(request):
    affiliate = selectors.affiliate_for_user(request.user)
    if affiliate is None:
        return redirect("affiliates:apply")
    return _render(
        request, "affiliates/applied.html", {"affiliate": affiliate}, crumb="Application sent"
    )


# The dashboard.


def _hosts(request) -> set[str]:
    hosts = {request.get_host().rsplit(":", 1)[0]}
    hosts.update(Site.objects.values_list("hostname", flat=True))
    return hosts


def _chart(series, attribute: str) -> dict:
    """One bar per day, drawn as inline SVG by the template (no script)."""
    values = [getattr(day, attribute) for day in series]
    peak = max(values, default=0) or 1
    step = CHART_WIDTH / len(series)
    bars = []
    for n, (day, value) in enumerate(zip(series, values, strict=True)):
        height = float(Decimal(value) / Decimal(peak)) * (CHART_HEIGHT - 4)
        if value and height < 2:
            height = 2  # a day with anything on it stays visible
        bars.append(
            {
                "x": round(n * step + 0.75, 2),
                "y": round(CHART_HEIGHT - height, 2),
                "width": round(step - 1.5, 2),
                "height": round(height, 2),
                "day": day.day,
                "value": value,
            }
        )
    return {
        "attribute": attribute,
        "bars": bars,
        "total": sum(values, Decimal("0.00") if attribute == "earnings" else 0),
        "peak": max(values, default=0),
    }


def _creatives(request, affiliate) -> list[dict]:
    """Each active creative with its referral link and the HTML to copy, which carries the
    program's disclosure next to the link."""
    disclosure = AffiliateProgramSettings.for_request(request).disclosure
    base = request.build_absolute_uri("/")
    result = []
    for creative in selectors.active_creatives():
        link = selectors.referral_link(base, creative.landing_path, affiliate.code)
        image = None
        if creative.kind == CreativeKind.BANNER and creative.image is not None:
            rendition = creative.image.get_rendition(BANNER_RENDITION)
            image = {
                "url": request.build_absolute_uri(rendition.url),
                "width": rendition.width,
                "height": rendition.height,
            }
            html = format_html(
                '<a href="{}" rel="sponsored"><img src="{}" width="{}" height="{}" alt="{}"></a>'
                "\n<p><small>{}</small></p>",
                link,
                image["url"],
                image["width"],
                image["height"],
                creative.text,
                disclosure,
            )
        else:
            html = format_html(
                '<a href="{}" rel="sponsored">{}</a> <small>({})</small>',
                link,
                creative.text,
                disclosure,
            )
        result.append({"creative": creative, "link": link, "image": image, "html": html})
    return result


def _dashboard(request, affiliate, *, link_form=None, code_form=None, made_link="", status=200):
    series = selectors.affiliate_series(affiliate)
    base = request.build_absolute_uri("/")
    program = AffiliateProgramSettings.for_request(request)
    context = {
        "affiliate": affiliate,
        "rate": affiliate.rate(program),
        "window_days": affiliate.window_days(program),
        "totals": selectors.affiliate_totals(affiliate),
        "series": series,
        "charts": [
            {**_chart(series, "clicks"), "label": "Clicks", "unit": ""},
            {**_chart(series, "orders"), "label": "Paid orders", "unit": ""},
            {**_chart(series, "earnings"), "label": "Earnings", "unit": "money"},
        ],
        "chart_width": CHART_WIDTH,
        "chart_height": CHART_HEIGHT,
        "first_day": series[0].day,
        "last_day": series[-1].day,
        "commissions": selectors.affiliate_commissions(affiliate),
        "payouts": selectors.affiliate_payouts(affiliate),
        "creatives": _creatives(request, affiliate),
        "home_link": selectors.referral_link(base, "/", affiliate.code),
        "link_form": link_form or LinkForm(hosts=_hosts(request)),
        "code_form": code_form or CodeForm(affiliate=affiliate),
        "made_link": made_link,
    }
    return _render(
        request, "affiliates/dashboard.html", context, status=status, crumb="Your dashboard"
    )


@login_required
def dashboard(request):
    """The approved affiliate's figures, links and creatives; other states get a page that
    says where they stand. `?url=` makes a referral link (a GET form: it changes nothing)."""
    affiliate = selectors.affiliate_for_user(request.user)
    if affiliate is None:
        return _render(request, "affiliates/not_affiliate.html", {}, crumb="Your dashboard")
    if not affiliate.is_active:
        return _render(
            request, "affiliates/status.html", {"affiliate": affiliate}, crumb="Your dashboard"
        )
    if "url" not in request.GET:
        return _dashboard(request, affiliate)
    link_form = LinkForm(request.GET, hosts=_hosts(request))
    if not link_form.is_valid():
        return _dashboard(request, affiliate, link_form=link_form, status=400)
    made_link = selectors.referral_link(
        request.build_absolute_uri("/"), link_form.cleaned_data["url"], affiliate.code
    )
    return _dashboard(request, affiliate, link_form=link_form, made_link=made_link)


@require_POST
@login_required
def change_code(request):
    affiliate = selectors.affiliate_for_user(request.user)
    if affiliate is None or not affiliate.is_active:
        raise Http404("No approved affiliate account for this user.")
    form = CodeForm(request.POST, affiliate=affiliate)
    if form.is_valid():
        try:
            affiliate_change_code(affiliate=affiliate, code=form.cleaned_data["code"])
        except MembershipError as refusal:
            form.add_error("code", refusal.message)
        else:
            messages.success(
                request,
                f"Your code is now {affiliate.code}. Links with your old code no longer count: "
                "use the new links below.",
            )
            return redirect(reverse("affiliates:dashboard") + "#code")
    return _dashboard(request, affiliate, code_form=form, status=400)


@login_required
def data_export(request):
    """Everything stored about the signed-in affiliate, as a JSON file."""
    affiliate = selectors.affiliate_for_user(request.user)
    if affiliate is None:
        raise Http404("No affiliate account for this user.")
    data = selectors.affiliate_data_export(affiliate)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="affiliate-data-{affiliate.code}.json"'
    return response
