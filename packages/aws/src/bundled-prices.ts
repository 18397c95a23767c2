/**
 * On-Demand Linux prices in USD per hour, us-east-1, compiled in November
 * 2026 from AWS's public price list (P4d and P5 after the June 2025 cut).
 * Other regions cost more or less; set `livePrices: true` to read the
 * Price List API for your region instead.
 */
export const BUNDLED_PRICES_AS_OF = new Date('2026-11-01T00:00:00Z');

export const BUNDLED_ON_DEMAND_USD: Readonly<Record<string, number>> = {
  // NVIDIA T4
  'g4dn.xlarge': 0.526,
  'g4dn.2xlarge': 0.752,
  'g4dn.4xlarge': 1.204,
  'g4dn.8xlarge': 2.176,
  'g4dn.12xlarge': 3.912,
  'g4dn.16xlarge': 4.352,
  'g4dn.metal': 7.824,
  // NVIDIA A10G
  'g5.xlarge': 1.006,
  'g5.2xlarge': 1.212,
  'g5.4xlarge': 1.624,
  'g5.8xlarge': 2.448,
  'g5.12xlarge': 5.672,
  'g5.16xlarge': 4.096,
  'g5.24xlarge': 8.144,
  'g5.48xlarge': 16.288,
  // NVIDIA L4
  'g6.xlarge': 0.8048,
  'g6.2xlarge': 0.9776,
  'g6.4xlarge': 1.3232,
  'g6.8xlarge': 2.0144,
  'g6.12xlarge': 4.6016,
  'g6.16xlarge': 3.3968,
  'g6.24xlarge': 6.6752,
  'g6.48xlarge': 13.3504,
  // NVIDIA L40S
  'g6e.xlarge': 1.861,
  'g6e.2xlarge': 2.24208,
  'g6e.4xlarge': 3.00424,
  'g6e.8xlarge': 4.52856,
  'g6e.12xlarge': 10.49264,
  'g6e.16xlarge': 7.57719,
  'g6e.24xlarge': 15.06559,
  'g6e.48xlarge': 30.13118,
  // NVIDIA V100
  'p3.2xlarge': 3.06,
  'p3.8xlarge': 12.24,
  'p3.16xlarge': 24.48,
  // NVIDIA A100 40 GB, H100
  'p4d.24xlarge': 21.9576,
  'p5.48xlarge': 55.04,
  // CPU types, for small jobs and tests
  't3.micro': 0.0104,
  't3.medium': 0.0416,
  'm5.large': 0.096,
  'm5.xlarge': 0.192,
  'c5.xlarge': 0.17,
  'c5.2xlarge': 0.34,
};
