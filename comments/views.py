from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from blog.models import Post
from comments.forms import CommentForm
from comments.services import CommentNotAllowed, comment_submit


@require_POST
def comment_create(request, post_id):
    """Receive the comment form of a post page; on error, show the page again with the text kept."""
    post = get_object_or_404(Post.objects.published(), pk=post_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comment = comment_submit(
                post=post,
                author=request.user,
                body=form.cleaned_data["body"],
                submission_key=form.cleaned_data["submission_key"],
            )
        except CommentNotAllowed as refusal:
            form.add_error(None, str(refusal))
            return render(request, "blog/post_detail.html", {"post": post, "comment_form": form}, status=403)
        except ValidationError as error:
            form.add_error("body", error)
        else:
            messages.success(request, _("Merci ! Votre commentaire attend la validation d’un modérateur."))
            return redirect(f"{post.get_absolute_url()}#comment-{comment.pk}")
    return render(request, "blog/post_detail.html", {"post": post, "comment_form": form}, status=422)
