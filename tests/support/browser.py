"""Helpers for browser tests (importable; fixtures stay in conftest.py)."""

from __future__ import annotations

from typing import Any


def sign_in(page: Any, base_url: str, email: str, password: str) -> None:
    """Sign in through the real form."""
    page.goto(f"{base_url}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")


A11Y_SCRIPT = """
() => {
  const problems = [];
  // checkVisibility() also sees content skipped by a closed <details> (content-visibility), which has boxes
  const visible = el => (el.checkVisibility ? el.checkVisibility()
    : !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length));
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (el.type === 'hidden' || !visible(el)) continue;
    const id = el.id;
    const labelled = (id && document.querySelector(`label[for="${id}"]`)) || el.closest('label')
      || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
    if (!labelled) problems.push(`unlabelled ${el.tagName.toLowerCase()} name=${el.name}`);
  }
  for (const img of document.querySelectorAll('img')) {
    if (!img.hasAttribute('alt')) problems.push(`img without alt: ${img.src}`);
  }
  if (document.querySelectorAll('h1').length !== 1) problems.push('page needs exactly one h1');
  if (!document.querySelector('main')) problems.push('no main landmark');
  if (!document.documentElement.getAttribute('lang')) problems.push('html has no lang');
  for (const b of document.querySelectorAll('button, a[href]')) {
    if (!visible(b)) continue;
    const name = (b.innerText || '').trim() || b.getAttribute('aria-label') || b.getAttribute('title');
    if (!name) problems.push(`${b.tagName.toLowerCase()} without an accessible name`);
  }
  return problems;
}
"""


def accessibility_problems(page: Any) -> list[str]:
    """Basic checks on the current page: labelled inputs, alt text, one h1, main landmark, named controls."""
    problems: list[str] = page.evaluate(A11Y_SCRIPT)
    return problems
