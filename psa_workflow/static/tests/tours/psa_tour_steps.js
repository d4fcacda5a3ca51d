/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
// Steps shared by the PSA tours: open the PSA app, then one of its menus, on a
// desktop (the sections of the top menu) or a phone (the app's sidebar). Not a
// tour itself: the tours spread these steps into theirs.
import {stepUtils} from "@web_tour/tour_service/tour_utils";

/** Only on a desktop: the same step, skipped on a phone. */
export function onDesktop(step) {
    return {isActive: ["desktop"], ...step};
}

/** Only on a phone: the same step, skipped on a desktop. */
export function onPhone(step) {
    return {isActive: ["mobile"], ...step};
}

/**
 * From the home page: the apps menu, then the PSA app (on its dashboard).
 * `homeMenu`: also toggle the home menu first, for the tours that run on a phone.
 */
export function openPsaApp({homeMenu = false} = {}) {
    return [
        stepUtils.showAppsMenuItem(),
        ...(homeMenu ? stepUtils.toggleHomeMenu() : []),
        {
            content: "Open the PSA app",
            trigger: '.o_app[data-menu-xmlid="psa_workflow.menu_psa_root"]',
            run: "click",
        },
    ];
}

/** Desktop: open a section of the PSA app's top menu (menu_psa_...). */
export function openSection(section, content) {
    return {
        content,
        trigger: `.o_menu_sections [data-menu-xmlid="psa_workflow.${section}"]`,
        run: "click",
    };
}

/** Desktop: open a menu of the section whose dropdown is open. */
export function openSectionItem(menu, content) {
    return {
        content,
        trigger: `.dropdown-item[data-menu-xmlid="psa_workflow.${menu}"]`,
        run: "click",
    };
}

/** The navbar's menu toggle: the app's sidebar on a phone. */
export function toggleMenu(content = "Open the app's menu") {
    return {
        content,
        trigger: ".o_main_navbar .o_menu_toggle",
        run: "click",
    };
}

/** Phone: open the app's sidebar, then one of the PSA app's menus in it. */
export function openSidebarMenu(menu, content) {
    return [
        onPhone(toggleMenu()),
        onPhone({
            content,
            trigger: `.o_app_menu_sidebar li[data-menu-xmlid="psa_workflow.${menu}"]`,
            run: "click",
        }),
    ];
}

/** Open a menu of the PSA app: desktop sections or the phone's sidebar. */
export function openPsaMenu(section, menu) {
    return [
        ...openPsaApp({homeMenu: true}),
        onDesktop(openSection(section, "Open the menu of the section")),
        onDesktop(openSectionItem(menu, "Open the list")),
        ...openSidebarMenu(menu, "Open the list"),
    ];
}
