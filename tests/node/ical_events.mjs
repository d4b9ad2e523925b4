// Parse an iCalendar feed from stdin with Mozilla's ical.js and print its events as JSON.
// Each VTIMEZONE in the feed is registered first, so TZID times resolve through the feed's own
// zone data, as a calendar client would do. Times are printed in UTC.
import ICAL from "ical.js";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const text = Buffer.concat(chunks).toString("utf8");
const calendar = new ICAL.Component(ICAL.parse(text));
for (const zone of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(new ICAL.Timezone(zone));
}
const utc = (time) =>
  time.isDate ? time.toString() : new Date(time.toUnixTime() * 1000).toISOString();
const events = calendar.getAllSubcomponents("vevent").map((component) => {
  const event = new ICAL.Event(component);
  return {
    uid: event.uid,
    sequence: event.sequence,
    status: component.getFirstPropertyValue("status"),
    summary: event.summary,
    location: event.location,
    description: event.description,
    start: utc(event.startDate),
    end: utc(event.endDate),
    start_tzid: event.startDate.isDate ? null : event.startDate.zone.tzid,
    categories: component.getFirstPropertyValue("categories"),
  };
});
const result = {
  name: calendar.getFirstPropertyValue("name"),
  calname: calendar.getFirstPropertyValue("x-wr-calname"),
  timezones: calendar.getAllSubcomponents("vtimezone").map((z) => z.getFirstPropertyValue("tzid")),
  events,
};
process.stdout.write(JSON.stringify(result));
