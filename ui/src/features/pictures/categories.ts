// The gallery categories the server accepts (API.md §5), in the order the menus list them.

export const CATEGORIES: readonly string[] = ["rooms", "facilities", "dining", "spa", "events", "exterior", "activities", "other"];

const LABELS: Record<string, string> = {
  rooms: "Rooms",
  facilities: "Facilities",
  dining: "Dining",
  spa: "Spa",
  events: "Events",
  exterior: "Exterior",
  activities: "Activities",
  other: "Other",
};

/** "Dining" for "dining"; an unknown category as the server wrote it. */
export function categoryLabel(category: string): string {
  return LABELS[category] ?? category;
}
