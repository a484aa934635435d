"""Pages of program 5."""
from django.http import HttpResponse
from countyworks.core.permissions import program_required
from countyworks.courtyards.models import PROGRAM


@program_required(PROGRAM)
def home(request):
    return HttpResponse("")
