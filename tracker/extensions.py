"""Flask extensions, created unbound and bound in create_app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import Session

from tracker.i18n import _l
from tracker.models.base import Base

if TYPE_CHECKING:

    class TypedSQLAlchemy(SQLAlchemy):
        """For the type checker: db.session proxies every Session method, so operations
        typed to take a plain Session accept it."""

        session: Session  # type: ignore[assignment]

else:
    TypedSQLAlchemy = SQLAlchemy

db = TypedSQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
csrf = CSRFProtect()
babel = Babel()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please log in to see that page.")
login_manager.login_message_category = "info"
