"""The project's routes plus one that fails the way a real bug does: a query that the database
refuses, whose message holds SQL (test_37)."""

from django.db import connection
from django.urls import path

from apothecary.urls import urlpatterns as project_urlpatterns


def broken(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT card_number FROM secret_payment_table WHERE password = 'hunter2'")
    raise AssertionError("the query above always fails")


urlpatterns = [path("broken/", broken), *project_urlpatterns]
