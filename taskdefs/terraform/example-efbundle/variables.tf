# With the local stack's environment loaded (source .local-stack/env):
#   -var "cluster=$ECS_RUN_CLUSTER" -var "subnets=$ECS_RUN_SUBNETS" -var "security_groups=$ECS_RUN_SECURITY_GROUPS"
#   -var "db_port=$LOCAL_STACK_PG_PORT" -var "db_password=$LOCAL_STACK_PG_PASSWORD"

variable "cluster" {
  description = "ECS cluster (ECS_RUN_CLUSTER of the local stack)."
  type        = string
}

variable "subnets" {
  description = "Comma-separated subnet IDs (ECS_RUN_SUBNETS)."
  type        = string
}

variable "security_groups" {
  description = "Comma-separated security group IDs (ECS_RUN_SECURITY_GROUPS)."
  type        = string
}

variable "image" {
  description = "The bundle's image; the local ECS runs the efbundle stand-in for any repository ending in \"efbundle\". A new value runs the bundle again."
  type        = string
  default     = "registry.local/orders-efbundle:1"
}

variable "migrations_dir" {
  description = "The migrations the stand-in applies (EFBUNDLE_STANDIN_MIGRATIONS), in place of those compiled into a real bundle."
  type        = string
  default     = "migrations"
}

variable "command" {
  description = "Arguments for the bundle, after ecs-run's `--` (a target <MIGRATION>, --verbose); empty: all migrations."
  type        = list(string)
  default     = []
}

variable "ecs_run" {
  description = "Path of ecs-run."
  type        = string
  default     = "ecs-run"
}

variable "aws_cli" {
  description = "Path of the AWS CLI the stand-ins use to create their local resources."
  type        = string
  default     = "aws"
}

variable "timeout" {
  description = "ecs-run's --timeout."
  type        = string
  default     = "5m"
}

variable "rerun_token" {
  description = "Change to run the bundle again without a new image."
  type        = string
  default     = ""
}

variable "family" {
  description = "Task definition family."
  type        = string
  default     = "example-efbundle"
}

variable "log_group" {
  description = "CloudWatch Logs group of the bundle."
  type        = string
  default     = "/ecs/example-efbundle"
}

variable "region" {
  description = "AWS region of the local stack."
  type        = string
  default     = "us-east-1"
}

variable "account_id" {
  description = "Account of the emulator (moto's default)."
  type        = string
  default     = "123456789012"
}

variable "db_host" {
  description = "PostgreSQL host."
  type        = string
  default     = "127.0.0.1"
}

variable "db_port" {
  description = "PostgreSQL port (LOCAL_STACK_PG_PORT)."
  type        = number
}

variable "db_name" {
  description = "Database the bundle migrates."
  type        = string
  default     = "postgres"
}

variable "db_user" {
  description = "PostgreSQL user."
  type        = string
  default     = "postgres"
}

variable "db_password" {
  description = "PostgreSQL password (LOCAL_STACK_PG_PASSWORD); it goes into the connection string secret only."
  type        = string
  sensitive   = true
}

variable "connection_secret_name" {
  description = "Name of the secret holding the connection string."
  type        = string
  default     = "example-efbundle-connection"
}
