// Titles of the panels that alerts and tests point at. A panel's id comes from its title, and alert
// rules link to that id: renaming one of these renames it everywhere at once.
export const titles = {
  failedDeliveries: "Failed AP Deliveries (7 days)",
  up: "Up",
  beamLoad: "BEAM System Load",
  federationJobs: "Receive, Fetch, Publish Jobs per Minute",
  dbQueryQuantiles: "DB Query Time (95th Percentile)",
  jobExceptions: "Job Exceptions per Minute",
  pendingJobs: "Pending Jobs",
  beamMemory: "BEAM VM Memory",
  deliveryBudget: "Delivery Error Budget Left (30 days)",
  deliveryBurnRate: "Delivery Error Budget Burn Rate",
} as const;
