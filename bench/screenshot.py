"""Make the README's screenshot of the app: ``make screenshot`` writes docs/app.png."""
from __future__ import annotations


from bench.browser import ROOT, chromium_page, map_frame, running_app


def main(out=ROOT / "docs" / "app.png"):
    with running_app() as url, chromium_page(1500, 1000) as page:
        page.goto(url)
        map_frame(page)
        page.get_by_role("button", name="Got it").click()
        page.wait_for_timeout(1000)
        page.get_by_role("combobox", name="Phase", exact=True).click()
        page.get_by_role("option", name="Phase 3: security perimeter").click()
        page.wait_for_timeout(1500)
        map_frame(page)
        page.wait_for_timeout(1500)
        out.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(out))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
