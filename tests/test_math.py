"""LaTeX in cards becomes readable Unicode; code is left alone."""

from quizapp.content import latex_to_unicode, render_math


def test_common_formulas():
    assert latex_to_unicode(r"\frac{1}{n} \sum_{i=1}^{n} (y_i - \hat{y}_i)^2") == "1/n ∑ᵢ₌₁ⁿ (yᵢ - ŷᵢ)²"
    assert latex_to_unicode(r"\sigma(z)=\frac{1}{1+e^{-z}}") == "σ(z)=1/(1+e⁻ᶻ)"
    assert latex_to_unicode(r"\text{softmax}(QK^\top/\sqrt{d_k})V") == "softmax(QKᵀ/√dₖ)V"
    assert latex_to_unicode(r"\theta \leftarrow \theta - \eta \nabla_\theta J") == "θ ← θ - η ∇_θ J"
    assert latex_to_unicode(r"\mathbb{E}[x] \in \mathbb{R}^{d}") == "𝔼[x] ∈ ℝᵈ"


def test_inline_and_display_math_outside_code_only():
    text = "Loss $\\frac{a}{b}$ costs $5 and $10.\n\n$$\\sum_i x_i$$\n\n`$x$`\n\n```\n$\\alpha$\n```"
    out = render_math(text)
    assert "a/b" in out and "∑ᵢ xᵢ" in out
    assert "$5 and $10" in out  # prices are not math
    assert "`$x$`" in out and "$\\alpha$" in out  # code untouched


def test_broken_or_unknown_latex_degrades_to_plain_text():
    # unfinished input and unknown commands give readable text, never an exception or a stray backslash
    assert latex_to_unicode(r"\frac{") == "()/()"
    assert latex_to_unicode("\\") == ""
    assert latex_to_unicode(r"\unknownmacro x") == "unknownmacro x"
    assert latex_to_unicode("x^") == "x^()"
