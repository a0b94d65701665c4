// A framework compliance report (one template of one tenant over an audit period): the model,
// and its PDF and HTML renderings.
export {
  frameworkReportScore,
  loadFrameworkReport,
  ReportInputError,
  type FrameworkReport,
  type ReportControl,
  type ReportRequirement,
} from "./model";
export { writeFrameworkReportPdf } from "./pdf";
export { writeFrameworkReportHtml } from "./html";
