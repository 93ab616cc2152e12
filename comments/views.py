from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from blog.models import Post
from caching.backends import REDIS_UNREACHABLE
from comments import services
from comments.forms import CommentEditForm, CommentForm, ReportForm
from comments.models import Comment
from comments.templatetags.comments import SENT_SESSION_KEY

COMMENTS_UNAVAILABLE = gettext_lazy(
    "Les commentaires sont momentanément indisponibles. Votre texte est conservé : renvoyez-le dans quelques minutes."
)


def _refused(request, post, form, error, *, status):
    """The post page again, the error on the form and the text kept."""
    form.add_error(None, error)
    return _post_page(request, post, form, status=status)


def _post_page(request, post, form, status):
    return render(request, "blog/post_detail.html", {"post": post, "comment_form": form}, status=status)


@require_POST
def comment_create(request, post_id):
    """Receive the comment form of a post page; on any error, show the page again with the text kept."""
    post = get_object_or_404(Post.objects.readable(), pk=post_id)  # a page (imported) takes comments too
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _post_page(request, post, form, status=422)
    data = form.cleaned_data
    try:
        comment = services.comment_submit(
            post=post,
            author=request.user,
            body=data["body"],
            parent_id=data["parent"] or None,
            submission_key=data["submission_key"],
            notify_replies=data["notify_replies"],
            honeypot=bool(data["website"]),
        )
    except services.CommentNotAllowed as refusal:
        return _refused(request, post, form, str(refusal), status=403)
    except services.CommentRateLimited as limited:
        return _refused(request, post, form, str(limited), status=429)
    except REDIS_UNREACHABLE:  # the rate limit cannot count without Redis: refuse rather than let a flood through
        return _refused(request, post, form, COMMENTS_UNAVAILABLE, status=503)
    except ValidationError as error:
        return _refused(request, post, form, error, status=422)
    # Said at the comment itself, where the redirect lands (comments/templatetags/comments.py), not at the top.
    request.session[SENT_SESSION_KEY] = {"post": post.pk, "comment": comment.pk, "note": sent_note(comment)}
    return redirect(f"{post.get_absolute_url()}#comment-{comment.pk}")


def sent_note(comment) -> str:
    """What the author is told of the comment they just sent: stored again, published, or waiting."""
    if comment.resent:
        return "resent"
    return "approved" if comment.is_approved else "pending"


def _form_action(request, form, action, success_message, success_url, template, context):
    """Run a service on a valid POSTed form; refusals and errors go back onto the form with the input kept."""
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                action(form.cleaned_data)
            except services.PermissionDenied as denied:
                form.add_error(None, str(denied))
                status = 403
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, success_message)
                return redirect(success_url)
    return render(request, template, {**context, "form": form}, status=status)


@login_required
def comment_edit(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("post"), pk=pk, author=request.user)
    return _form_action(
        request,
        CommentEditForm(request.POST or None, initial={"body": comment.pending_body or comment.body}),
        lambda data: services.comment_edit(comment=comment, author=request.user, body=data["body"]),
        _("Modification enregistrée : elle attend la validation d’un modérateur."),
        f"{comment.post.get_absolute_url()}#comment-{comment.pk}",
        "comments/comment_edit.html",
        {"comment": comment},
    )


@login_required
def comment_delete(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("post"), pk=pk, author=request.user)
    if request.method == "POST":
        services.comment_delete(comment=comment, author=request.user)
        messages.success(request, _("Votre commentaire est supprimé."))
        return redirect(f"{comment.post.get_absolute_url()}#commentaires")
    return render(request, "comments/comment_confirm_delete.html", {"comment": comment})


@login_required
def comment_report(request, pk):
    comment = get_object_or_404(
        Comment.objects.approved().filter(removed_at__isnull=True).select_related("post", "author"), pk=pk
    )
    return _form_action(
        request,
        ReportForm(request.POST or None),
        lambda data: services.comment_report(comment=comment, reporter=request.user, reason=data["reason"]),
        _("Merci, votre signalement a été transmis aux modérateurs."),
        f"{comment.post.get_absolute_url()}#comment-{comment.pk}",
        "comments/comment_report.html",
        {"comment": comment},
    )


@login_required
def my_comments(request):
    """Every comment of the reader, with its status, its post, and the reason given when refused."""
    comments = Comment.objects.filter(author=request.user).select_related("post").order_by("-created_at")
    page = Paginator(comments, 20).get_page(request.GET.get("page"))
    return render(request, "comments/my_comments.html", {"page_obj": page, "comments": page.object_list})
