/**
 * The projections, in the order they see each event: records first, then the indexes that read
 * them (timeline, deadlines, alerts).
 */
import type { PolicyProfile } from "../../../policy/profile";
import { chinaCalendar, type Calendar } from "../calendar";
import type { View } from "../store/types";
import { createAgreementsView } from "./agreements";
import { createAlertsView } from "./alerts";
import { createCalendarView } from "./calendar";
import { createAuthorizationsView } from "./authorizations";
import { createDeadlinesView } from "./deadlines";
import { createGovernanceView } from "./governance";
import { createNamesView } from "./names";
import { createOversightView } from "./oversight";
import { createParticipantsView } from "./participants";
import { createProductsView } from "./products";
import { createResourcesView } from "./resources";
import { createRolesView } from "./roles";
import { createScenariosView } from "./scenarios";
import { createSearchView } from "./search";
import { createTimelineView } from "./timeline";
import { createTxView } from "./tx";
import { createUsageView } from "./usage";

export { SPACE } from "./util";

export { viewIdentity } from "./identity";

/** Every view, for one policy profile; `calendar` defaults to the pinned China calendar. */
export function createViews(profile: PolicyProfile, calendar: Calendar = chinaCalendar()): View[] {
  return [
    createParticipantsView(),
    createRolesView(),
    createCalendarView(),
    createResourcesView(),
    createAuthorizationsView(),
    createAgreementsView(),
    createScenariosView(),
    createProductsView(),
    createOversightView(),
    createUsageView(),
    createGovernanceView(),
    createNamesView(),
    createTimelineView(),
    createTxView(),
    createSearchView(),
    createDeadlinesView(profile, calendar),
    createAlertsView(),
  ];
}
