from django.contrib.auth.mixins import LoginRequiredMixin
from django.views import generic


class IndexView(generic.ListView):
    template_name = "polls/index.html"

    def get(self, request):
        return None


class DetailView(LoginRequiredMixin, generic.DetailView):
    def get(self, request, pk):
        return None


def vote(request, question_id):
    return None
